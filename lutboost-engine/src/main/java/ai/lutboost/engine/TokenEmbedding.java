package ai.lutboost.engine;

/**
 * Patch embeddings {@code [D][H][W]} to tokens {@code [T][D]}: each position's column
 * round-shifted to the output format plus its embedding row, saturated; with a class token, row 0
 * is its embedding alone and the patches follow.
 */
final class TokenEmbedding extends EngineOp {

    private final int dim;
    private final int positions;
    private final int shift;
    private final boolean classToken;
    private final int[] embedding;
    private final int outBits;

    TokenEmbedding(String name, int input, int output, int dim, int positions, int shift, boolean classToken,
            int[] embedding, int outBits) {
        super(name, new int[] {input}, output);
        this.dim = dim;
        this.positions = positions;
        this.shift = shift;
        this.classToken = classToken;
        this.embedding = embedding;
        this.outBits = outBits;
    }

    @Override
    Kernel kernel(int capacity) {
        return this::run;
    }

    private void run(int[][] tensors, int samples) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        int first = classToken ? 1 : 0;
        for (int s = 0; s < samples; s++) {
            int from = s * dim * positions;
            int to = s * embedding.length;
            for (int d = 0; d < dim; d++) {
                if (classToken) {
                    out[to + d] = (int) FixedPoint.saturate(embedding[d], outBits);
                }
                for (int p = 0; p < positions; p++) {
                    int i = (first + p) * dim + d;
                    long value = FixedPoint.roundShift(x[from + d * positions + p], shift) + embedding[i];
                    out[to + i] = (int) FixedPoint.saturate(value, outBits);
                }
            }
        }
    }
}
