package ai.lutboost.engine;

/** Max pooling without padding over {@code [C, H, W]}; exact, so no format changes. */
final class MaxPool extends EngineOp {

    private final int channels;
    private final int height;
    private final int width;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int outHeight;
    private final int outWidth;

    MaxPool(String name, int input, int output, int[] shape, int[] kernel, int[] stride) {
        super(name, new int[] {input}, output);
        channels = shape[0];
        height = shape[1];
        width = shape[2];
        kh = kernel[0];
        kw = kernel[1];
        sh = stride[0];
        sw = stride[1];
        outHeight = (height - kh) / sh + 1;
        outWidth = (width - kw) / sw + 1;
    }

    @Override
    Kernel kernel(int capacity) {
        return this::run;
    }

    /** A block's planes follow one another, so its samples' channels pool as one longer list of planes. */
    private void run(int[][] tensors, int samples) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
            runTwoByTwo(x, out, samples * channels);
            return;
        }
        for (int c = 0; c < samples * channels; c++) {
            for (int oh = 0; oh < outHeight; oh++) {
                for (int ow = 0; ow < outWidth; ow++) {
                    int m = Integer.MIN_VALUE;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            m = Math.max(m, x[(c * height + oh * sh + i) * width + ow * sw + j]);
                        }
                    }
                    out[(c * outHeight + oh) * outWidth + ow] = m;
                }
            }
        }
    }

    /** The common 2x2 window of stride 2, unrolled: the general loops ran several times slower. */
    private void runTwoByTwo(int[] x, int[] out, int planes) {
        for (int c = 0; c < planes; c++) {
            for (int oh = 0; oh < outHeight; oh++) {
                int top = (c * height + 2 * oh) * width;
                int bottom = top + width;
                int o = (c * outHeight + oh) * outWidth;
                for (int ow = 0; ow < outWidth; ow++) {
                    out[o + ow] = Math.max(Math.max(x[top + 2 * ow], x[top + 2 * ow + 1]),
                            Math.max(x[bottom + 2 * ow], x[bottom + 2 * ow + 1]));
                }
            }
        }
    }
}
