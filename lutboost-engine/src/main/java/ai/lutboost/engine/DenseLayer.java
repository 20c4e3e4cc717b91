package ai.lutboost.engine;

/**
 * A dense int layer (linear or conv): integer weights times integer inputs summed onto the bias,
 * rescaled per column. The loader accepts only layers with
 * {@code |bias| + D 2^(inBits-1) 2^(weightBits-1) < 2^31}, so every partial sum fits an
 * {@code int}, the sum never saturates and its order does not matter: a linear layer takes each
 * row's dot products, a conv one output row of one channel at a time across its positions.
 */
final class DenseLayer extends RowLayer {

    private final int[] weights;
    private final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;

    DenseLayer(String name, int input, int output, Patches patches, int inputLength, int inputSize, int units,
            int[] weights, int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, input, output, patches, inputLength, units, inputSize);
        this.weights = weights;
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    Kernel kernel(int capacity) {
        return patches == null ? this::linear : new ConvKernel();
    }

    private void linear(int[][] tensors, int samples) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        int rows = samples * rowsPerSample;
        for (int r = 0; r < rows; r++) {
            int start = r * inputLength;
            for (int n = 0; n < units; n++) {
                int w = n * inputLength;
                int sum = bias[n];
                for (int d = 0; d < inputLength; d++) {
                    sum += weights[w + d] * x[start + d];
                }
                out[r * units + n] = finish(sum, n);
            }
        }
    }

    private final class ConvKernel implements Kernel {
        private final int[] padded = paddedBuffer();
        private final int[] acc = new int[patches.outWidth];

        @Override
        public void run(int[][] tensors, int samples) {
            int[] x = tensors[inputs[0]];
            int[] out = tensors[output];
            int width = patches.outWidth;
            int step = patches.sw;
            for (int s = 0; s < samples; s++) {
                int[] src = source(x, s, padded);
                int start = sourceStart(s);
                for (int n = 0; n < units; n++) {
                    for (int oh = 0; oh < patches.outHeight; oh++) {
                        java.util.Arrays.fill(acc, bias[n]);
                        int corner = start + corners[oh * width];
                        for (int d = 0; d < inputLength; d++) {
                            int w = weights[n * inputLength + d];
                            int from = corner + offsets[d];
                            if (step == 1) {
                                for (int ow = 0; ow < width; ow++) {
                                    acc[ow] += w * src[from + ow];
                                }
                            } else {
                                for (int ow = 0; ow < width; ow++) {
                                    acc[ow] += w * src[from + ow * step];
                                }
                            }
                        }
                        int to = s * outputSize + (n * patches.outHeight + oh) * width;
                        for (int ow = 0; ow < width; ow++) {
                            out[to + ow] = finish(acc[ow], n);
                        }
                    }
                }
            }
        }
    }

    private int finish(int sum, int n) {
        int y = (int) FixedPoint.rescale(sum, 1, shift[n], outBits);
        return relu && y < 0 ? 0 : y;
    }
}
