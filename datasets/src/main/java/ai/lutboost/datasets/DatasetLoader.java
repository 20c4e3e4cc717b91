package ai.lutboost.datasets;

import java.nio.file.Path;
import java.util.List;

/** Reads a located dataset's training or test files into memory, checking sums and structure. */
public final class DatasetLoader {

    private DatasetLoader() {}

    /**
     * Reads the training files ({@code test = false}) or the test files ({@code test = true}).
     *
     * @param dataset the dataset
     * @param directory its directory
     * @param test whether to read the test files
     * @return the images and labels
     * @throws DatasetException if a file is missing, fails its SHA-256, or is malformed
     */
    public static LabeledImages read(DatasetDescriptor dataset, Path directory, boolean test)
            throws DatasetException {
        List<KnownFile> files = test ? dataset.testFiles() : dataset.trainFiles();
        for (KnownFile f : files) {
            Checksums.verify(directory.resolve(f.name()), f);
        }
        LabeledImages images =
                switch (dataset.format()) {
                    case IDX -> readIdx(dataset, directory, files);
                    case CIFAR10_BINARY -> CifarBinaryReader.read(
                            files.stream().map(f -> directory.resolve(f.name())).toList());
                };
        for (int i = 0; i < images.count(); i++) {
            if (images.labels()[i] >= dataset.numClasses()) {
                throw new DatasetException(
                        String.format(
                                "%s: label %d of item %d is out of range 0..%d",
                                directory.resolve(files.get(files.size() - 1).name()),
                                images.labels()[i], i, dataset.numClasses() - 1));
            }
        }
        return images;
    }

    /**
     * Finds a dataset where {@link DatasetLocator#system()} looks and reads its training or test
     * files.
     *
     * @param dataset the dataset
     * @param dataDir a directory to try first, or null
     * @param test whether to read the test files
     * @return the images and labels
     * @throws DatasetException if the dataset is not found, or a file is missing or malformed
     */
    public static LabeledImages find(DatasetDescriptor dataset, Path dataDir, boolean test) throws DatasetException {
        return read(dataset, DatasetLocator.system().locate(dataset, dataDir).directory(), test);
    }

    /**
     * Reads every file of a dataset to check its structure (used on fresh downloads).
     *
     * @param dataset the dataset
     * @param directory its directory
     * @throws DatasetException if any file is malformed
     */
    public static void checkStructure(DatasetDescriptor dataset, Path directory)
            throws DatasetException {
        read(dataset, directory, false);
        read(dataset, directory, true);
    }

    private static LabeledImages readIdx(
            DatasetDescriptor dataset, Path directory, List<KnownFile> files)
            throws DatasetException {
        Path imageFile = directory.resolve(files.get(0).name());
        Path labelFile = directory.resolve(files.get(1).name());
        IdxArray images = IdxReader.read(imageFile, 3);
        IdxArray labels = IdxReader.read(labelFile, 1);
        if (images.dims()[1] != dataset.height() || images.dims()[2] != dataset.width()) {
            throw new DatasetException(
                    String.format(
                            "%s: images are %dx%d, expected %dx%d for %s",
                            imageFile, images.dims()[1], images.dims()[2], dataset.height(),
                            dataset.width(), dataset.name()));
        }
        if (images.count() != labels.count()) {
            throw new DatasetException(
                    String.format(
                            "%s has %d images but %s has %d labels; expected equal counts",
                            imageFile, images.count(), labelFile, labels.count()));
        }
        int[] intLabels = new int[labels.count()];
        for (int i = 0; i < intLabels.length; i++) {
            intLabels[i] = labels.data()[i] & 0xff;
        }
        return new LabeledImages(images.data(), intLabels, 1, dataset.height(), dataset.width());
    }
}
