package ai.lutboost.engine;

/**
 * The engine's first kernels, one row at a time in {@code long}s with a copied patch per output
 * position, kept as the oracle for the blocked ones: they follow docs/datapath.md §5-6 line by
 * line and need no bound beyond 64-bit arithmetic.
 */
final class ScalarReference {

    /** A layer's rows: a linear layer's {@code rows} rows of {@code length}, or a conv's patches. */
    record Geometry(int rows, int length, int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {

        static Geometry linear(int rows, int length) {
            return new Geometry(rows, length, null, null, null, null, null);
        }

        static Geometry conv(int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {
            int oh = (input[1] + 2 * padding[0] - (dilation[0] * (kernel[0] - 1) + 1)) / stride[0] + 1;
            int ow = (input[2] + 2 * padding[1] - (dilation[1] * (kernel[1] - 1) + 1)) / stride[1] + 1;
            return new Geometry(oh * ow, input[0] * kernel[0] * kernel[1], input, kernel, stride, padding, dilation);
        }

        boolean isConv() {
            return input != null;
        }

        Patches patches() {
            return isConv() ? new Patches(input, kernel, stride, padding, dilation) : null;
        }

        int inputSize() {
            return isConv() ? input[0] * input[1] * input[2] : rows * length;
        }

        /** Row {@code r} of one sample, zero where a patch leaves the input. */
        long[] row(int[] x, int from, int r) {
            long[] row = new long[length];
            if (!isConv()) {
                for (int d = 0; d < length; d++) {
                    row[d] = x[from + r * length + d];
                }
                return row;
            }
            int outWidth = (input[2] + 2 * padding[1] - (dilation[1] * (kernel[1] - 1) + 1)) / stride[1] + 1;
            int oh = r / outWidth;
            int ow = r % outWidth;
            int d = 0;
            for (int c = 0; c < input[0]; c++) {
                for (int i = 0; i < kernel[0]; i++) {
                    int ih = oh * stride[0] - padding[0] + i * dilation[0];
                    for (int j = 0; j < kernel[1]; j++) {
                        int iw = ow * stride[1] - padding[1] + j * dilation[1];
                        boolean inside = ih >= 0 && ih < input[1] && iw >= 0 && iw < input[2];
                        row[d++] = inside ? x[from + (c * input[1] + ih) * input[2] + iw] : 0;
                    }
                }
            }
            return row;
        }

        /** Where output {@code n} of row {@code r} of sample {@code s} goes. */
        int out(int s, int r, int n, int units) {
            return isConv() ? (s * units + n) * rows + r : (s * rows + r) * units + n;
        }
    }

    private ScalarReference() {}

    static int[] lut(Geometry g, int[] x, int samples, int codebooks, int k, int v, int units, int metric,
            int[] centroids, int[] table, int[] bias, int[] shift, int outBits, boolean relu) {
        int[] out = new int[samples * g.rows() * units];
        for (int s = 0; s < samples; s++) {
            for (int r = 0; r < g.rows(); r++) {
                long[] row = g.row(x, s * g.inputSize(), r);
                long[] acc = new long[units];
                for (int n = 0; n < units; n++) {
                    acc[n] = bias[n];
                }
                for (int j = 0; j < codebooks; j++) {
                    int best = 0;
                    long bestDistance = Long.MAX_VALUE;
                    for (int c = 0; c < k; c++) {
                        long d = 0;
                        for (int u = 0; u < v; u++) {
                            long element = j * v + u < g.length() ? row[j * v + u] : 0;
                            long diff = element - centroids[(j * k + c) * v + u];
                            d = metric == LutLayer.L2 ? d + diff * diff
                                    : metric == LutLayer.L1 ? d + Math.abs(diff) : Math.max(d, Math.abs(diff));
                        }
                        if (d < bestDistance) {
                            bestDistance = d;
                            best = c;
                        }
                    }
                    for (int n = 0; n < units; n++) {
                        acc[n] = FixedPoint.addSaturating(acc[n], table[(j * k + best) * units + n], 32);
                    }
                }
                for (int n = 0; n < units; n++) {
                    out[g.out(s, r, n, units)] = finish(acc[n], shift[n], outBits, relu);
                }
            }
        }
        return out;
    }

    static int[] dense(Geometry g, int[] x, int samples, int units, int[] weights, int[] bias, int[] shift,
            int outBits, boolean relu) {
        int[] out = new int[samples * g.rows() * units];
        for (int s = 0; s < samples; s++) {
            for (int r = 0; r < g.rows(); r++) {
                long[] row = g.row(x, s * g.inputSize(), r);
                for (int n = 0; n < units; n++) {
                    long acc = bias[n];
                    for (int d = 0; d < g.length(); d++) {
                        acc += weights[n * g.length() + d] * row[d];
                    }
                    out[g.out(s, r, n, units)] = finish(acc, shift[n], outBits, relu);
                }
            }
        }
        return out;
    }

    private static int finish(long acc, int shift, int outBits, boolean relu) {
        int y = (int) FixedPoint.rescale(acc, 1, shift, outBits);
        return relu && y < 0 ? 0 : y;
    }
}
