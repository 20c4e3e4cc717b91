package ai.lutboost.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.translate.TranslateException;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.DatasetLoader;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.datasets.SeededRandomSampler;
import ai.lutboost.datasets.Split;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LutMode;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.EpochMetrics;
import ai.lutboost.training.Evaluation;
import ai.lutboost.training.RecipeData;
import ai.lutboost.training.ShutdownGate;
import ai.lutboost.training.TrainOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a stage works on: the recipe, the converted model, the data splits, where checkpoints go,
 * and how to report.
 */
public final class StageContext {

    private final Recipe recipe;
    private final TrainOptions options;
    private final ConvertedModel model;
    private final Supplier<Block> architecture;
    private final Shape inputShape;
    private final Path baseline;
    private LabeledImages trainImages;
    private LabeledImages testImages;

    /**
     * Creates a context.
     *
     * @param recipe the recipe
     * @param options output directory, data directory, resume, device, progress and log
     * @param model the converted model
     * @param architecture builds the dense model (for the distillation teacher)
     * @param inputShape one input's shape, batch 1
     * @param baseline the stage-0 checkpoint
     */
    public StageContext(
            Recipe recipe, TrainOptions options, ConvertedModel model, Supplier<Block> architecture,
            Shape inputShape, Path baseline) {
        this.recipe = recipe;
        this.options = options;
        this.model = model;
        this.architecture = architecture;
        this.inputShape = inputShape;
        this.baseline = baseline;
    }

    /**
     * Returns the recipe.
     *
     * @return the recipe
     */
    public Recipe recipe() {
        return recipe;
    }

    /**
     * Returns the run's options.
     *
     * @return the options
     */
    public TrainOptions options() {
        return options;
    }

    /**
     * Returns the converted model.
     *
     * @return the model
     */
    public ConvertedModel model() {
        return model;
    }

    /**
     * Returns the builder of the dense architecture.
     *
     * @return the supplier
     */
    public Supplier<Block> architecture() {
        return architecture;
    }

    /**
     * Returns one input's shape, batch 1.
     *
     * @return the shape
     */
    public Shape inputShape() {
        return inputShape;
    }

    /**
     * Returns the stage-0 checkpoint.
     *
     * @return its path
     */
    public Path baseline() {
        return baseline;
    }

    /**
     * Returns the checkpoint directory.
     *
     * @return {@code <output>/checkpoints}
     */
    public Path checkpoints() {
        return options.outputDir().resolve("checkpoints");
    }

    /**
     * Writes a line to the run's log.
     *
     * @param line the line
     */
    public void log(String line) {
        options.log().accept(line);
    }

    /**
     * The first {@code samples} images of the (seed-shuffled) training split, in order: the
     * calibration set of stages 1 and 2.
     *
     * @param samples how many
     * @param batchSize images per batch
     * @return the dataset
     * @throws LutBoostException if the data cannot be found or read
     */
    public ImageClassificationDataset calibration(int samples, int batchSize) throws LutBoostException {
        return builder(Split.TRAIN)
                .optLimit(samples)
                .setSampling(batchSize, false)
                .build();
    }

    /**
     * The training split with a seeded order.
     *
     * @param batchSize images per batch
     * @param order the sampler, whose epoch the caller sets
     * @return the dataset
     * @throws LutBoostException if the data cannot be found or read
     */
    public ImageClassificationDataset training(int batchSize, SeededRandomSampler order) throws LutBoostException {
        return builder(Split.TRAIN)
                .setSampling(new BatchSampler(order, batchSize, false))
                .build();
    }

    /**
     * The first images of the training files, normalized, as one tensor {@code [B, C, H, W]}: what
     * the datapath plan is calibrated on. They do not depend on the seed or the validation split.
     *
     * @param count how many, at most
     * @param manager the tensor's manager
     * @return the images
     * @throws LutBoostException if the data cannot be found or read
     */
    public NDArray firstTrainingImages(int count, NDManager manager) throws LutBoostException {
        LabeledImages images = files(false);
        return ImageClassificationDataset.normalized(manager, images, Datasets.byName(recipe.dataset().name()), 0,
                Math.min(count, images.count()));
    }

    /**
     * Starts a dataset builder for a split, reading the files once per run rather than once per
     * dataset: stages build several datasets each.
     */
    private ImageClassificationDataset.Builder builder(Split split) throws LutBoostException {
        return RecipeData.builder(recipe, options.dataDir(), split).optImages(files(split == Split.TEST));
    }

    private LabeledImages files(boolean test) throws LutBoostException {
        if ((test ? testImages : trainImages) == null) {
            DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
            LabeledImages images = DatasetLoader.find(d, options.dataDir(), test);
            if (test) {
                testImages = images;
            } else {
                trainImages = images;
            }
        }
        return test ? testImages : trainImages;
    }

    /**
     * Accuracy on a split with every LUT layer in hard mode (the inference value); modes are
     * restored afterwards.
     *
     * @param split {@code TEST} or {@code VALIDATION}
     * @return the accuracy, or NaN when the recipe holds out no validation split
     * @throws LutBoostException if the data cannot be read
     */
    public double accuracy(Split split) throws LutBoostException {
        if (split == Split.VALIDATION && recipe.dataset().validationFraction() == 0) {
            return Double.NaN;
        }
        ImageClassificationDataset data = builder(split)
                .setSampling(256, false)
                .build();
        try (LayerScope<LutMode> hard = LayerScope.mode(model.layers().values(), LutMode.HARD)) {
            return Evaluation.accuracy(model.block(), data, model.model().getNDManager());
        }
    }

    /**
     * Builds a finished stage's result, measuring its test accuracy now.
     *
     * @param stage the stage's name
     * @param startNanos when the stage started ({@link System#nanoTime})
     * @param validation the validation accuracy if the stage already measured it on the final model,
     *     or null to measure it now
     * @param errors per-layer reconstruction errors
     * @param history per-epoch metrics
     * @return the result
     * @throws LutBoostException if the data cannot be read
     */
    public StageResult result(String stage, long startNanos, Double validation, Map<String, Double> errors,
            List<EpochMetrics> history) throws LutBoostException {
        double val = validation != null ? validation : accuracy(Split.VALIDATION);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new StageResult(stage, accuracy(Split.TEST), val, seconds, errors, history);
    }

    /**
     * Measures each LUT layer's relative reconstruction error on the calibration samples, every
     * layer in hard mode, so that each layer's input comes from the converted prefix.
     *
     * @param samples calibration images
     * @return path to {@code |LUT(x) - dense(x)|^2 / |dense(x)|^2}, summed over all samples
     * @throws LutBoostException if the data cannot be read
     */
    public Map<String, Double> reconstructionErrors(int samples) throws LutBoostException {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, AbstractLutBlock> layers = model.layers();
        ImageClassificationDataset data = calibration(samples, 256);
        NDManager manager = model.model().getNDManager();
        try (LayerScope<LutMode> hard = LayerScope.mode(layers.values(), LutMode.HARD)) {
            for (Map.Entry<String, AbstractLutBlock> e : layers.entrySet()) {
                double[] sum = new double[2];
                sums.put(e.getKey(), sum);
                AbstractLutBlock layer = e.getValue();
                e.getValue().setInputListener(x -> accumulateError(layer, x, sum));
            }
            forEachBatch(data, manager, x -> model.block().forward(new ParameterStore(manager, false), x, false));
        } finally {
            layers.values().forEach(l -> l.setInputListener(null));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v[0] / Math.max(v[1], Double.MIN_NORMAL)));
        return out;
    }

    private static void accumulateError(AbstractLutBlock layer, NDArray x, double[] sum) {
        // x lives in the layer's forward scope, so these temporaries go when the forward ends.
        NDArray lut = layer.apply(x, LutMode.HARD);
        NDArray dense = layer.apply(x, LutMode.DENSE);
        sum[0] += lut.sub(dense).square().sum().getFloat();
        sum[1] += dense.square().sum().getFloat();
    }

    /**
     * Feeds every batch of a dataset to an action, closing each batch.
     *
     * @param data the dataset
     * @param manager the manager for the batches
     * @param action receives the batch's inputs
     * @throws LutBoostException if the data cannot be read
     */
    public static void forEachBatch(ImageClassificationDataset data, NDManager manager, Consumer<NDList> action)
            throws LutBoostException {
        int size = Math.toIntExact(data.size());
        int done = 0;
        try (ShutdownGate.Region region = ShutdownGate.enter("a pass over calibration data")) {
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    done += Math.toIntExact(batch.getSize());
                    action.accept(batch.getData());
                }
                region.safePoint("sample", done, size);
            }
        } catch (IOException | TranslateException e) {
            throw new LutBoostException("cannot read calibration data: " + e.getMessage(), e);
        }
    }
}
