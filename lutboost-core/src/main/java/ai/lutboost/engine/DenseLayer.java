package ai.lutboost.engine;

/**
 * A dense int layer (linear or conv): integer weights times integer inputs summed onto the bias,
 * rescaled per column. The loader accepts only layers with
 * {@code |bias| + D 2^(inBits-1) 2^(weightBits-1) < 2^31}, so the sum never saturates and its
 * order does not matter.
 */
final class DenseLayer extends EngineOp {

    private final Patches patches;
    private final int inputLength;
    private final int units;
    private final int[] weights;
    private final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;

    DenseLayer(String name, int input, int output, Patches patches, int inputLength, int units, int[] weights,
            int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, new int[] {input}, output);
        this.patches = patches;
        this.inputLength = inputLength;
        this.units = units;
        this.weights = weights;
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    void run(int[][] tensors) {
        int[] x = tensors[inputs[0]];
        if (patches == null) {
            int[] out = new int[units];
            for (int n = 0; n < units; n++) {
                out[n] = column(x, n);
            }
            tensors[output] = out;
            return;
        }
        int positions = patches.outHeight * patches.outWidth;
        int[] out = new int[units * positions];
        int[] row = new int[inputLength];
        for (int oh = 0; oh < patches.outHeight; oh++) {
            for (int ow = 0; ow < patches.outWidth; ow++) {
                patches.fill(x, oh, ow, row);
                int p = oh * patches.outWidth + ow;
                for (int n = 0; n < units; n++) {
                    out[n * positions + p] = column(row, n);
                }
            }
        }
        tensors[output] = out;
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
