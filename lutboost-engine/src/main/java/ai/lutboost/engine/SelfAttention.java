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
        return new Queries(0, tokens);
    }

    @Override
    Kernel tokenKernel(int capacity, int length, int token) {
        return new Queries(token, token + 1);
    }

    /** Attends from the queries {@code first..last-1} of each sample to all of its keys. */
    private final class Queries implements Kernel {
        private final int first;
        private final int last;
        private final int width = dim / heads;
        private final long[] scores = new long[tokens];
        private final long[] p = new long[tokens];
        private final int[] weights = new int[tokens];
        private final int[] sums = new int[width];
        /** The head's keys column by column: column {@code j} at {@code j * tokens}. */
        private final int[] keys = new int[width * tokens];
        private final int[] dots = new int[tokens];
        private final int[] keyColumns = new int[width];
        private final int[] valueRows = new int[tokens];

        Queries(int first, int last) {
            this.first = first;
            this.last = last;
            for (int j = 0; j < width; j++) {
                keyColumns[j] = j * tokens;
            }
            for (int u = 0; u < tokens; u++) {
                valueRows[u] = u * dim;
            }
        }

        @Override
        public void run(int[][] tensors, int samples) {
            int[] k = tensors[inputs[1]];
            for (int s = 0; s < samples; s++) {
                int from = s * tokens * dim;
                for (int h = 0; h < heads; h++) {
                    int column = from + h * width;
                    for (int u = 0; u < tokens; u++) {
                        for (int j = 0; j < width; j++) {
                            keys[j * tokens + u] = k[column + u * dim + j];
                        }
                    }
                    for (int t = first; t < last; t++) {
                        attend(tensors, column, column + t * dim);
                    }
                }
            }
        }

        /**
         * One query's output for one head, written at {@code query}; {@code column} is where the
         * head's columns start in the sample's first token.
         */
        private void attend(int[][] tensors, int column, int query) {
            int[] v = tensors[inputs[2]];
            int[] out = tensors[output];
            VectorSupport.correlate(dots, keys, 0, keyColumns, tensors[inputs[0]], query, tokens, 0);
            for (int u = 0; u < tokens; u++) {
                scores[u] = dots[u] * multiplier;
            }
            TransformerArithmetic.softmax(scores, 0, tokens, scoreFractionBits, p, 0);
            if (tokens <= INT_TOKENS) {
                for (int u = 0; u < tokens; u++) {
                    weights[u] = (int) p[u];
                }
                VectorSupport.correlate(sums, v, column, valueRows, weights, 0, width, 0);
                for (int j = 0; j < width; j++) {
                    out[query + j] = (int) FixedPoint.rescale(sums[j], 1, outputShift, outBits);
                }
                return;
            }
            for (int j = 0; j < width; j++) {
                long acc = 0;
                for (int u = 0; u < tokens; u++) {
                    acc += p[u] * v[column + u * dim + j];
                }
                out[query + j] = (int) FixedPoint.rescale(acc, 1, outputShift, outBits);
            }
        }
    }
}
