package ai.lutboost.datasets;

/**
 * Images and their labels held as raw unsigned bytes, as read from disk.
 *
 * @param pixels {@code count * channels * height * width} bytes, channel-major per image
 * @param labels one label per image
 * @param channels channels per image
 * @param height image height
 * @param width image width
 */
public record LabeledImages(byte[] pixels, int[] labels, int channels, int height, int width) {

    /** Checks that the pixel count matches the labels and the image shape. */
    public LabeledImages {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    pixels.length + " pixels do not make " + labels.length + " images of "
                            + channels + "x" + height + "x" + width);
        }
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    public int count() {
        return labels.length;
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
     * Counts the images of each class.
     *
     * @param numClasses the number of classes
     * @return the histogram, indexed by label
     */
    public int[] labelHistogram(int numClasses) {
        int[] histogram = new int[numClasses];
        for (int label : labels) {
            histogram[label]++;
        }
        return histogram;
    }
}
