package ai.lutboost.engine;

/**
 * A dense int layer (linear or conv): integer weights times integer inputs summed onto the bias,
 * rescaled per column. The loader accepts only layers with
 * {@code |bias| + D 2^(inBits-1) 2^(weightBits-1) < 2^31}, so every partial sum fits an
 * {@code int}, the sum never saturates and its order does not matter: a linear layer takes each
 * row's dot products, a conv one channel at a time across its positions.
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
        return patches == null ? (tensors, samples) -> linear(tensors, samples, TokenPlan.ALL) : new ConvKernel();
    }

    @Override
    Kernel tokenKernel(int capacity, int tokens, int token) {
        return (tensors, samples) -> linear(tensors, samples, token);
    }

    private void linear(int[][] tensors, int samples, int token) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        int rows = token == TokenPlan.ALL ? samples * rowsPerSample : samples;
        for (int i = 0; i < rows; i++) {
            int r = row(i, token);
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
        /**
         * One channel's sums at every padded-input column of the output rows: position
         * {@code (oh, ow)} at {@code oh * paddedWidth + ow}, so that with a horizontal stride of 1
         * each weight adds one shifted run of the input, and columns past {@code outWidth} are
         * computed and dropped.
         */
        private final int[] acc = new int[patches.outHeight * patches.paddedWidth];

        @Override
        public void run(int[][] tensors, int samples) {
            int[] x = tensors[inputs[0]];
            int[] out = tensors[output];
            int width = patches.outWidth;
            for (int s = 0; s < samples; s++) {
                int[] src = source(x, s, padded);
                int start = sourceStart(s);
                for (int n = 0; n < units; n++) {
                    if (patches.sw == 1 && patches.sh == 1) {
                        wholeRows(src, start, n);
                    } else {
                        rowByRow(src, start, n);
                    }
                    int to = s * outputSize + n * patches.outHeight * width;
                    for (int oh = 0; oh < patches.outHeight; oh++) {
                        int from = oh * patches.paddedWidth;
                        for (int ow = 0; ow < width; ow++) {
                            out[to + oh * width + ow] = finish(acc[from + ow], n);
                        }
                    }
                }
            }
        }

        /** Unit strides: the output rows are one run of the padded input per weight. */
        private void wholeRows(int[] src, int start, int n) {
            int length = (patches.outHeight - 1) * patches.paddedWidth + patches.outWidth;
            VectorSupport.correlate(acc, src, start, offsets, weights, n * inputLength, length, bias[n]);
        }

        private void rowByRow(int[] src, int start, int n) {
            int width = patches.outWidth;
            int step = patches.sw;
            for (int oh = 0; oh < patches.outHeight; oh++) {
                int at = oh * patches.paddedWidth;
                java.util.Arrays.fill(acc, at, at + width, bias[n]);
                int corner = start + corners[oh * width];
                for (int d = 0; d < inputLength; d++) {
                    int w = weights[n * inputLength + d];
                    int from = corner + offsets[d];
                    for (int ow = 0; ow < width; ow++) {
                        acc[at + ow] += w * src[from + ow * step];
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
