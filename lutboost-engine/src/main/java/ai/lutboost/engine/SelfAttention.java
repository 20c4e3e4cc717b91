package ai.lutboost.engine;

/**
 * Attention between int8 queries, keys and values {@code [T][D]}, per head of {@code D / heads}
 * columns: exact dot products times the score multiplier, the integer softmax of each query's
 * row, the probability-weighted sum of values, rescaled to the output format.
 *
 * <p>The products are below {@code 2^14} each, so a head's dot product, times a multiplier below
 * {@code 2^17}, stays far from {@code 2^63}; a probability is below {@code 2^8} and the sum over
 * {@code T} tokens of its products with values below {@code 2^(22 + log2 T)}.
 */
final class SelfAttention extends EngineOp {

    private final int tokens;
    private final int dim;
    private final int heads;
    private final long multiplier;
    private final int scoreFractionBits;
    private final int outputShift;
    private final int outBits;

    SelfAttention(String name, int query, int key, int value, int output, int tokens, int dim, int heads,
            long multiplier, int scoreFractionBits, int outputShift, int outBits) {
        super(name, new int[] {query, key, value}, output);
        this.tokens = tokens;
        this.dim = dim;
        this.heads = heads;
        this.multiplier = multiplier;
        this.scoreFractionBits = scoreFractionBits;
        this.outputShift = outputShift;
        this.outBits = outBits;
    }

    @Override
    Kernel kernel(int capacity) {
        long[] scores = new long[tokens];
        long[] p = new long[tokens];
        return (tensors, samples) -> {
            for (int s = 0; s < samples; s++) {
                sample(tensors, s * tokens * dim, scores, p);
            }
        };
    }

    private void sample(int[][] tensors, int from, long[] scores, long[] p) {
        int[] q = tensors[inputs[0]];
        int[] k = tensors[inputs[1]];
        int[] v = tensors[inputs[2]];
        int[] out = tensors[output];
        int width = dim / heads;
        for (int h = 0; h < heads; h++) {
            int column = h * width;
            for (int t = 0; t < tokens; t++) {
                for (int u = 0; u < tokens; u++) {
                    long dot = 0;
                    for (int j = 0; j < width; j++) {
                        dot += (long) q[from + t * dim + column + j] * k[from + u * dim + column + j];
                    }
                    scores[u] = dot * multiplier;
                }
                TransformerArithmetic.softmax(scores, 0, tokens, scoreFractionBits, p, 0);
                for (int j = 0; j < width; j++) {
                    long acc = 0;
                    for (int u = 0; u < tokens; u++) {
                        acc += p[u] * v[from + u * dim + column + j];
                    }
                    out[from + t * dim + column + j] = (int) FixedPoint.rescale(acc, 1, outputShift, outBits);
                }
            }
        }
    }
}
