package ai.lutboost.datasets;

import java.util.List;

/**
 * What LUTBoost knows about a dataset: its files, their sums, its classes and how to get it.
 *
 * @param name the name used in recipes and as the directory name ({@code fashion-mnist})
 * @param format the on-disk format
 * @param trainFiles the training files (for IDX: images then labels)
 * @param testFiles the test files (for IDX: images then labels)
 * @param classNames the class names, indexed by label
 * @param channels image channels
 * @param height image height
 * @param width image width
 * @param mean per-channel mean of the training pixels in [0, 1], for normalisation
 * @param std per-channel standard deviation of the training pixels in [0, 1]
 * @param howToGet one sentence telling a user how to obtain the files
 * @param downloadBase base URL the files can be downloaded from, or {@code null}
 */
public record DatasetDescriptor(
        String name,
        DatasetFormat format,
        List<KnownFile> trainFiles,
        List<KnownFile> testFiles,
        List<String> classNames,
        int channels,
        int height,
        int width,
        float[] mean,
        float[] std,
        String howToGet,
        String downloadBase) {

    /** Checks the shapes and copies the lists. */
    public DatasetDescriptor {
        trainFiles = List.copyOf(trainFiles);
        testFiles = List.copyOf(testFiles);
        classNames = List.copyOf(classNames);
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(name + ": mean and std need one value per channel");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Returns every file of the dataset, training files first.
     *
     * @return the files
     */
    public List<KnownFile> allFiles() {
        return java.util.stream.Stream.concat(trainFiles.stream(), testFiles.stream()).toList();
    }

    /**
     * Returns the number of values in one image.
     *
     * @return {@code channels * height * width}
     */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * Returns the number of classes.
     *
     * @return the class count
     */
    public int numClasses() {
        return classNames.size();
    }
}
