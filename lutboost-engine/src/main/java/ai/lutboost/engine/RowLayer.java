package ai.lutboost.engine;

/**
 * A layer that maps rows of {@code D} inputs to {@code N} outputs: for a linear layer one row, or
 * one per token of a sequence {@code [T, D]}; for a conv one im2col patch per output position.
 * Subclasses compute a row; this class forms the rows and lays the outputs out as {@code [N]},
 * {@code [T][N]} or {@code [N][H_out][W_out]}.
 */
abstract class RowLayer extends EngineOp {

    final Patches patches;
    final int inputLength;
    final int units;

    RowLayer(String name, int input, int output, Patches patches, int inputLength, int units) {
        super(name, new int[] {input}, output);
        this.patches = patches;
        this.inputLength = inputLength;
        this.units = units;
    }

    /** The length of the row buffer: at least {@code D}, more when a subclass pads. */
    abstract int rowLength();

    /**
     * Computes one row's outputs.
     *
     * @param row the row, {@link #rowLength()} long, zero beyond {@code D}
     * @param out written at {@code out[offset + n * stride]} for {@code n = 0..N-1}
     * @param offset the first output's index
     * @param stride the distance between consecutive outputs
     */
    abstract void row(int[] row, int[] out, int offset, int stride);

    @Override
    final void run(int[][] tensors) {
        int[] x = tensors[inputs[0]];
        int[] row = new int[rowLength()];
        if (patches == null) {
            int rows = x.length / inputLength;
            int[] out = new int[rows * units];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * inputLength, row, 0, inputLength);
                row(row, out, r * units, 1);
            }
            tensors[output] = out;
            return;
        }
        int positions = patches.outHeight * patches.outWidth;
        int[] out = new int[units * positions];
        for (int oh = 0; oh < patches.outHeight; oh++) {
            for (int ow = 0; ow < patches.outWidth; ow++) {
                patches.fill(x, oh, ow, row);
                row(row, out, oh * patches.outWidth + ow, positions);
            }
        }
        tensors[output] = out;
    }
}
