package ai.lutboost.engine;

import java.util.Arrays;

/**
 * Attention between int8 queries, keys and values {@code [T][D]}, per head of {@code D / heads}
 * columns: exact dot products times the score multiplier, the integer softmax of each query's
 * row, the probability-weighted sum of values, rescaled to the output format.
 *
 * <p>The products are at most {@code 2^14} each, so a head's dot product over at most 1,024
 * columns fits an {@code int} ({@code <= 2^24}), and times a multiplier below {@code 2^17} stays
 * far from {@code 2^63}; a probability is below {@code 2^8}, its product with a value at most
 * {@code 2^15}, and their sum over {@code T} tokens fits an {@code int} while
 * {@code T <= }{@value #INT_TOKENS}; longer sequences sum in {@code long}s.
 *
 * <p>The weighted sum runs token by token along rows of values, so that its inner loop reads
 * contiguous memory.
 */
final class SelfAttention extends EngineOp {

    /** The most tokens whose weighted values sum in an {@code int}: {@code 2^16 * 2^15 = 2^31}, less one. */
    static final int INT_TOKENS = 65_535;

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
        return queries(0, tokens);
    }

    @Override
    Kernel tokenKernel(int capacity, int tokens, int token) {
        return queries(token, token + 1);
    }

    /** Attends from the queries {@code first..last-1} of each sample to all of its keys. */
    private Kernel queries(int first, int last) {
        long[] scores = new long[tokens];
        long[] p = new long[tokens];
        int[] sums = new int[dim / heads];
        int[] keys = new int[dim / heads * tokens];
        int[] dots = new int[tokens];
        return (tensors, samples) -> {
            for (int s = 0; s < samples; s++) {
                sample(tensors, s * tokens * dim, first, last, scores, p, sums, keys, dots);
            }
        };
    }

    private void sample(int[][] tensors, int from, int first, int last, long[] scores, long[] p, int[] sums,
            int[] keys, int[] dots) {
        int[] q = tensors[inputs[0]];
        int[] k = tensors[inputs[1]];
        int[] v = tensors[inputs[2]];
        int[] out = tensors[output];
        int width = dim / heads;
        for (int h = 0; h < heads; h++) {
            int column = h * width;
            // The head's keys column by column, so that a query's dot products with every key
            // run along contiguous rows: a loop over tokens the JIT vectorises, where one over a
            // head's 16 columns per key stayed scalar.
            for (int u = 0; u < tokens; u++) {
                for (int j = 0; j < width; j++) {
                    keys[j * tokens + u] = k[from + u * dim + column + j];
                }
            }
            for (int t = first; t < last; t++) {
                int query = from + t * dim + column;
                Arrays.fill(dots, 0);
                for (int j = 0; j < width; j++) {
                    int x = q[query + j];
                    int row = j * tokens;
                    for (int u = 0; u < tokens; u++) {
                        dots[u] += x * keys[row + u];
                    }
                }
                for (int u = 0; u < tokens; u++) {
                    scores[u] = dots[u] * multiplier;
                }
                TransformerArithmetic.softmax(scores, 0, tokens, scoreFractionBits, p, 0);
                if (tokens <= INT_TOKENS) {
                    java.util.Arrays.fill(sums, 0);
                    for (int u = 0; u < tokens; u++) {
                        int weight = (int) p[u];
                        int row = from + u * dim + column;
                        for (int j = 0; j < width; j++) {
                            sums[j] += weight * v[row + j];
                        }
                    }
                    for (int j = 0; j < width; j++) {
                        out[query + j] = (int) FixedPoint.rescale(sums[j], 1, outputShift, outBits);
                    }
                } else {
                    for (int j = 0; j < width; j++) {
                        long acc = 0;
                        for (int u = 0; u < tokens; u++) {
                            acc += p[u] * v[from + u * dim + column + j];
                        }
                        out[query + j] = (int) FixedPoint.rescale(acc, 1, outputShift, outBits);
                    }
                }
            }
        }
    }
}
