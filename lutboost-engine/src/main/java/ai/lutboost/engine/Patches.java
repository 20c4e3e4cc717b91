package ai.lutboost.engine;

/**
 * A conv's im2col geometry without the copies: a patch's elements, in {@code Conv2d} weight order
 * {@code (input channel, kernel row, kernel column)}, are read from the zero-padded input at a
 * fixed offset from the patch's corner, so a layer pads each sample once and reads every patch in
 * place.
 */
final class Patches {

    final int channels;
    final int height;
    final int width;
    final int kh;
    final int kw;
    final int sh;
    final int sw;
    final int ph;
    final int pw;
    final int dh;
    final int dw;
    final int outHeight;
    final int outWidth;
    /** The padded input's height and width. */
    final int paddedHeight;
    final int paddedWidth;
    /** Per patch element, its index in the padded input relative to the patch's corner. */
    final int[] offsets;

    Patches(int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        channels = input[0];
        height = input[1];
        width = input[2];
        kh = kernel[0];
        kw = kernel[1];
        sh = stride[0];
        sw = stride[1];
        ph = padding[0];
        pw = padding[1];
        dh = dilation[0];
        dw = dilation[1];
        outHeight = (height + 2 * ph - (dh * (kh - 1) + 1)) / sh + 1;
        outWidth = (width + 2 * pw - (dw * (kw - 1) + 1)) / sw + 1;
        paddedHeight = height + 2 * ph;
        paddedWidth = width + 2 * pw;
        offsets = new int[channels * kh * kw];
        int d = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    offsets[d++] = (c * paddedHeight + i * dh) * paddedWidth + j * dw;
                }
            }
        }
    }

    int length() {
        return offsets.length;
    }

    int positions() {
        return outHeight * outWidth;
    }

    boolean padded() {
        return ph > 0 || pw > 0;
    }

    int paddedSize() {
        return channels * paddedHeight * paddedWidth;
    }

    /** Where the patch of output position {@code (oh, ow)} has its corner in the padded input. */
    int corner(int oh, int ow) {
        return oh * sh * paddedWidth + ow * sw;
    }

    /**
     * Copies one sample into a zero border.
     *
     * @param x the block's input
     * @param from where the sample starts in {@code x}
     * @param padded {@link #paddedSize()} long; its border must be zero and stays so
     */
    void pad(int[] x, int from, int[] padded) {
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < height; h++) {
                System.arraycopy(x, from + (c * height + h) * width, padded,
                        (c * paddedHeight + h + ph) * paddedWidth + pw, width);
            }
        }
    }
}
