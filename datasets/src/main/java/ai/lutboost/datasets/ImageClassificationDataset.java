package ai.lutboost.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * One split of an image classification dataset, as a DJL {@link RandomAccessDataset}.
 *
 * <p>Each record's data is a float32 image {@code [C, H, W]} normalised per channel as
 * {@code (pixel / 255 - mean) / std}; its label is a float32 scalar class index. The validation
 * split is a seeded random part of the training files and the training split is the rest, so the
 * two never overlap and the same seed always carves the same part.
 */
public final class ImageClassificationDataset extends RandomAccessDataset {

    private final DatasetDescriptor descriptor;
    private final LabeledImages images;
    private final int[] indices;
    private final Split split;

    private ImageClassificationDataset(Builder builder, LabeledImages images, int[] indices) {
        super(builder);
        this.descriptor = builder.descriptor;
        this.images = images;
        this.indices = indices;
        this.split = builder.split;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) {
        int item = indices[Math.toIntExact(index)];
        float[] values = normalized(images, descriptor, item);
        NDArray data =
                manager.create(values, new Shape(images.channels(), images.height(), images.width()));
        NDArray label = manager.create((float) images.labels()[item]);
        return new Record(new NDList(data), new NDList(label));
    }

    /**
     * One item of this split as {@link #normalized(LabeledImages, DatasetDescriptor, int)} gives
     * it, with no NDManager: for the Java engine, which runs without DJL.
     *
     * @param index the index within this split
     * @return {@code [channels * height * width]}, channel-major
     */
    public float[] image(long index) {
        return normalized(images, descriptor, indices[Math.toIntExact(index)]);
    }

    /**
     * One image as the models see it: {@code (pixel / 255 - mean) / std} per channel, in float32.
     * Exporters and engines that take float input must use exactly these values.
     *
     * @param images the images
     * @param descriptor the dataset, for its mean and std
     * @param item the image's index
     * @return {@code [channels * height * width]}, channel-major
     */
    public static float[] normalized(LabeledImages images, DatasetDescriptor descriptor, int item) {
        int size = images.imageSize();
        int plane = images.height() * images.width();
        float[] values = new float[size];
        byte[] pixels = images.pixels();
        int offset = item * size;
        float[] mean = descriptor.mean();
        float[] std = descriptor.std();
        for (int i = 0; i < size; i++) {
            int c = i / plane;
            values[i] = ((pixels[offset + i] & 0xff) / 255f - mean[c]) / std[c];
        }
        return values;
    }

    /**
     * Normalizes images {@code [from, to)} as {@link #normalized} does, into one float32 tensor.
     *
     * @param manager the tensor's manager
     * @param images the images
     * @param descriptor the dataset, for its mean and std
     * @param from the first index
     * @param to one past the last index
     * @return {@code [to - from, C, H, W]}
     */
    public static NDArray normalized(NDManager manager, LabeledImages images, DatasetDescriptor descriptor, int from,
            int to) {
        int size = images.imageSize();
        float[] data = new float[(to - from) * size];
        for (int i = from; i < to; i++) {
            System.arraycopy(normalized(images, descriptor, i), 0, data, (i - from) * size, size);
        }
        return manager.create(data, new Shape(to - from, images.channels(), images.height(), images.width()));
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return indices.length;
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Progress progress) {
        // Loaded eagerly in build(), where a bad file can fail with a DatasetException.
    }

    /**
     * Returns the label of an item of this split.
     *
     * @param index the index within this split
     * @return the class index
     */
    public int label(long index) {
        return images.labels()[indices[Math.toIntExact(index)]];
    }

    int[] itemIndices() {
        return indices.clone();
    }

    /**
     * Counts the items of each class in this split (up to its limit).
     *
     * @return the histogram, indexed by label
     */
    public int[] labelHistogram() {
        int[] histogram = new int[descriptor.numClasses()];
        for (long i = 0; i < size(); i++) {
            histogram[label(i)]++;
        }
        return histogram;
    }

    /**
     * Returns the class names, indexed by label.
     *
     * @return the names
     */
    public List<String> classNames() {
        return descriptor.classNames();
    }

    /**
     * Returns the dataset this split belongs to.
     *
     * @return the descriptor
     */
    public DatasetDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Returns which split this is.
     *
     * @return the split
     */
    public Split split() {
        return split;
    }

    /**
     * Returns the shape of one image.
     *
     * @return {@code (C, H, W)}
     */
    public Shape imageShape() {
        return new Shape(images.channels(), images.height(), images.width());
    }

    /** Configures and loads a split. */
    public static final class Builder extends BaseBuilder<Builder> {

        private DatasetDescriptor descriptor = Datasets.FASHION_MNIST;
        private Split split = Split.TRAIN;
        private Path dataDir;
        private DatasetLocator locator;
        private LabeledImages images;
        private double validationFraction = 0.1;
        private long splitSeed;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the dataset; Fashion-MNIST when not set.
         *
         * @param descriptor the dataset
         * @return this builder
         */
        public Builder optDataset(DatasetDescriptor descriptor) {
            this.descriptor = descriptor;
            return this;
        }

        /**
         * Sets the split; {@link Split#TRAIN} when not set.
         *
         * @param split the split
         * @return this builder
         */
        public Builder optSplit(Split split) {
            this.split = split;
            return this;
        }

        /**
         * Sets an explicit data directory, tried before any other location.
         *
         * @param dataDir the directory (the dataset's own or a parent holding it), or null
         * @return this builder
         */
        public Builder optDataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Sets the locator; {@link DatasetLocator#system()} when not set.
         *
         * @param locator the locator
         * @return this builder
         */
        public Builder optLocator(DatasetLocator locator) {
            this.locator = locator;
            return this;
        }

        /**
         * Uses images already in memory instead of reading files; they count as the training
         * files for {@link Split#TRAIN} and {@link Split#VALIDATION}, as the test files for
         * {@link Split#TEST}.
         *
         * @param images the images
         * @return this builder
         */
        public Builder optImages(LabeledImages images) {
            this.images = images;
            return this;
        }

        /**
         * Sets the part of the training files held out for validation; 0.1 when not set.
         *
         * @param fraction in [0, 1)
         * @return this builder
         */
        public Builder optValidationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException(
                        "validation fraction must be in [0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Sets the seed that chooses the validation part; 0 when not set.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSplitSeed(long seed) {
            this.splitSeed = seed;
            return this;
        }

        /**
         * Locates, checks and loads the split.
         *
         * @return the dataset
         * @throws DatasetException if the data cannot be found or is malformed
         */
        public ImageClassificationDataset build() throws DatasetException {
            LabeledImages loaded = images;
            if (loaded == null) {
                DatasetLocator l = locator != null ? locator : DatasetLocator.system();
                DatasetLocation location = l.locate(descriptor, dataDir);
                loaded = DatasetLoader.read(descriptor, location.directory(), split == Split.TEST);
            }
            return new ImageClassificationDataset(this, loaded, indicesFor(loaded.count()));
        }

        private int[] indicesFor(int count) {
            if (split == Split.TEST) {
                return identity(count);
            }
            int[] order = identity(count);
            Random random = new Random(splitSeed);
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int validation = (int) Math.round(count * validationFraction);
            int[] chosen =
                    split == Split.VALIDATION
                            ? java.util.Arrays.copyOfRange(order, 0, validation)
                            : java.util.Arrays.copyOfRange(order, validation, count);
            // Sorted so that the split is a subset in file order; the sampler does the shuffling.
            java.util.Arrays.sort(chosen);
            return chosen;
        }

        private static int[] identity(int count) {
            int[] order = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            return order;
        }
    }
}
