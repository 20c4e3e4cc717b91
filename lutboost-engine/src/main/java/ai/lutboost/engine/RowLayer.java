package ai.lutboost.engine;

/**
 * A layer that maps rows of {@code D} inputs to {@code N} outputs: for a linear layer one row per
 * sample, or one per token of a sequence {@code [T, D]}; for a conv one patch per output position.
 * Outputs are laid out as {@code [N]}, {@code [T][N]} or {@code [N][H_out][W_out]} per sample.
 *
 * <p>Row {@code r}'s element {@code d} is {@code source[start(r) + offsets[d]]}: a linear layer's
 * rows follow one another in the block ({@code offsets[d] = d}); a conv reads its patches in place
 * from the sample's padded input ({@link Patches}).
 */
abstract class RowLayer extends EngineOp {

    /** Rows handled together: enough to reuse a codebook's table rows from cache, few enough for L1. */
    static final int BLOCK = 16;

    final Patches patches;
    final int inputLength;
    final int units;
    final int inputSize;
    final int rowsPerSample;
    final int outputSize;
    final int[] offsets;
    /** Per output position, the patch corner in the padded input; empty for linear layers. */
    final int[] corners;

    RowLayer(String name, int input, int output, Patches patches, int inputLength, int units, int inputSize) {
        super(name, new int[] {input}, output);
        this.patches = patches;
        this.inputLength = inputLength;
        this.units = units;
        this.inputSize = inputSize;
        if (patches == null) {
            rowsPerSample = inputSize / inputLength;
            offsets = new int[inputLength];
            for (int d = 0; d < inputLength; d++) {
                offsets[d] = d;
            }
            corners = new int[0];
        } else {
            rowsPerSample = patches.positions();
            offsets = patches.offsets;
            corners = new int[rowsPerSample];
            for (int p = 0; p < rowsPerSample; p++) {
                corners[p] = patches.corner(p / patches.outWidth, p % patches.outWidth);
            }
        }
        outputSize = rowsPerSample * units;
    }

    /** Rows are tokens for a linear layer; a conv's are positions in an image. */
    @Override
    final boolean tokenWise() {
        return patches == null;
    }

    /**
     * The block's row that the {@code i}-th computed row is: {@code i} itself, or for a kernel
     * computing one token, that token of sample {@code i}.
     */
    final int row(int i, int token) {
        return token == TokenPlan.ALL ? i : i * rowsPerSample + token;
    }

    /**
     * Where a conv reads sample {@code s}: the block's input itself when there is no padding,
     * otherwise {@code padded} after copying the sample into it.
     */
    final int[] source(int[] x, int s, int[] padded) {
        if (!patches.padded()) {
            return x;
        }
        patches.pad(x, s * inputSize, padded);
        return padded;
    }

    /** The offset of sample {@code s}'s first element in {@link #source}'s array. */
    final int sourceStart(int s) {
        return patches.padded() ? 0 : s * inputSize;
    }

    /** A zeroed buffer for {@link #source}, or an empty one when the conv has no padding. */
    final int[] paddedBuffer() {
        return patches != null && patches.padded() ? new int[patches.paddedSize()] : new int[0];
    }
}
