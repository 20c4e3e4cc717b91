package ai.lutboost.rtl;

import ai.lutboost.quant.ConvGeometry;
import ai.lutboost.quant.LutLayerOp;

/**
 * One LUT layer's rows as the hardware sees them: each row's {@code C v} inputs (the im2col patch
 * of a conv, zero where the window leaves the input and beyond {@code D}), and its {@code N}
 * outputs, for testbenches.
 */
final class LayerVectors {

    private LayerVectors() {}

    /**
     * Cuts one sample's layer input into rows.
     *
     * @param op the layer
     * @param inputShape the layer input's shape, {@code [C, H, W]} for a conv
     * @param x the layer input of one sample, as the engine traced it
     * @return rows of {@code C v} values
     */
    static int[][] rows(LutLayerOp op, int[] inputShape, int[] x) {
        int width = op.codebooks() * op.v();
        ConvGeometry g = op.conv();
        if (g == null) {
            int rows = x.length / op.inputLength();
            int[][] out = new int[rows][width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * op.inputLength(), out[r], 0, op.inputLength());
            }
            return out;
        }
        int channels = inputShape[0];
        int height = inputShape[1];
        int w = inputShape[2];
        int[] k = g.kernel();
        int[] s = g.stride();
        int[] p = g.padding();
        int[] d = g.dilation();
        int outHeight = g.outputExtent(0, height);
        int outWidth = g.outputExtent(1, w);
        int[][] out = new int[outHeight * outWidth][width];
        for (int oh = 0; oh < outHeight; oh++) {
            for (int ow = 0; ow < outWidth; ow++) {
                int e = 0;
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < k[0]; i++) {
                        int ih = oh * s[0] - p[0] + i * d[0];
                        for (int j = 0; j < k[1]; j++) {
                            int iw = ow * s[1] - p[1] + j * d[1];
                            boolean inside = ih >= 0 && ih < height && iw >= 0 && iw < w;
                            out[oh * outWidth + ow][e++] = inside ? x[(c * height + ih) * w + iw] : 0;
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Cuts one sample's layer output into rows of {@code N}, in the order of {@link #rows}.
     *
     * @param op the layer
     * @param y the layer output of one sample: {@code [N]}, {@code [T][N]} or {@code [N][H][W]}
     * @return rows of {@code N} values
     */
    static int[][] outputs(LutLayerOp op, int[] y) {
        int units = op.units();
        int rows = y.length / units;
        int[][] out = new int[rows][units];
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < units; n++) {
                out[r][n] = op.conv() == null ? y[r * units + n] : y[n * rows + r];
            }
        }
        return out;
    }
}
