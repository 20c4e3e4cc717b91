package ai.lutboost.engine;

/**
 * A dense int layer (linear or conv): integer weights times integer inputs summed onto the bias,
 * rescaled per column. The loader accepts only layers with
 * {@code |bias| + D 2^(inBits-1) 2^(weightBits-1) < 2^31}, so the sum never saturates and its
 * order does not matter.
 */
final class DenseLayer extends RowLayer {

    private final int[] weights;
    private final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;

    DenseLayer(String name, int input, int output, Patches patches, int inputLength, int units, int[] weights,
            int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, input, output, patches, inputLength, units);
        this.weights = weights;
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    int rowLength() {
        return inputLength;
    }

    @Override
    void row(int[] row, int[] out, int offset, int stride) {
        for (int n = 0; n < units; n++) {
            out[offset + n * stride] = column(row, n);
        }
    }

    private int column(int[] row, int n) {
        long acc = bias[n];
        int base = n * inputLength;
        for (int d = 0; d < inputLength; d++) {
            acc += (long) weights[base + d] * row[d];
        }
        int y = (int) FixedPoint.rescale(acc, 1, shift[n], outBits);
        return relu && y < 0 ? 0 : y;
    }
}
