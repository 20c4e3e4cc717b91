package ai.lutboost.engine;

/**
 * im2col for one output position: the patch's elements in {@code Conv2d} weight order
 * {@code (input channel, kernel row, kernel column)}, zero where the window leaves the input.
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
    }

    int length() {
        return channels * kh * kw;
    }

    void fill(int[] x, int oh, int ow, int[] row) {
        int d = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                int ih = oh * sh - ph + i * dh;
                for (int j = 0; j < kw; j++) {
                    int iw = ow * sw - pw + j * dw;
                    row[d++] = ih < 0 || ih >= height || iw < 0 || iw >= width ? 0 : x[(c * height + ih) * width + iw];
                }
            }
        }
    }
}
