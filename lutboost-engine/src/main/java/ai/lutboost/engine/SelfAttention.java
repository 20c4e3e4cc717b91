package ai.lutboost.engine;

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
 * <p>Both sums of a query go through {@link VectorSupport#correlate}, in vectors when the JVM has
 * {@code jdk.incubator.vector}: its dot products with every key along the head's keys stored
 * column by column, a vector of keys at a time, and its weighted sum of values along rows of
 * values, a vector of columns at a time.
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
        int width = dim / heads;
        long[] scores = new long[tokens];
        long[] p = new long[tokens];
        int[] weights = new int[tokens];
        int[] sums = new int[width];
        int[] keys = new int[width * tokens];
        int[] dots = new int[tokens];
        int[] keyColumns = new int[width];
        for (int j = 0; j < width; j++) {
            keyColumns[j] = j * tokens;
        }
        int[] valueRows = new int[tokens];
        for (int u = 0; u < tokens; u++) {
            valueRows[u] = u * dim;
        }
        return (tensors, samples) -> {
            int[] q = tensors[inputs[0]];
            int[] k = tensors[inputs[1]];
            int[] v = tensors[inputs[2]];
            int[] out = tensors[output];
            for (int s = 0; s < samples; s++) {
                int from = s * tokens * dim;
                for (int h = 0; h < heads; h++) {
                    int column = h * width;
                    for (int u = 0; u < tokens; u++) {
                        for (int j = 0; j < width; j++) {
                            keys[j * tokens + u] = k[from + u * dim + column + j];
                        }
                    }
                    for (int t = first; t < last; t++) {
                        int query = from + t * dim + column;
                        VectorSupport.correlate(dots, keys, 0, keyColumns, q, query, tokens, 0);
                        for (int u = 0; u < tokens; u++) {
                            scores[u] = dots[u] * multiplier;
                        }
                        TransformerArithmetic.softmax(scores, 0, tokens, scoreFractionBits, p, 0);
                        if (tokens <= INT_TOKENS) {
                            for (int u = 0; u < tokens; u++) {
                                weights[u] = (int) p[u];
                            }
                            VectorSupport.correlate(sums, v, from + column, valueRows, weights, 0, width, 0);
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
        };
    }
}
