package ai.lutboost.engine;

/**
 * A LUT layer (linear or conv): per row, the nearest centroid of each codebook, then the sum of
 * the selected table rows onto the bias, rescaled per column.
 *
 * <p>The accumulator adds codebooks in order {@code 0..C-1}; the datapath saturates after each
 * add, but the loader only accepts layers with {@code |bias| + C 2^(tableBits-1) < 2^31}, so no add
 * can reach the limits and plain {@code int} adds give the saturating result (FixedPoint's
 * argument).
 */
final class LutLayer extends RowLayer {

    static final int L2 = 0;
    static final int L1 = 1;
    static final int CHEBYSHEV = 2;

    private final int codebooks;
    private final int k;
    private final int v;
    private final int metric;
    private final int[] centroids;
    private final int[] table;
    private final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;

    LutLayer(String name, int input, int output, Patches patches, int inputLength, int codebooks, int k, int v,
            int units, int metric, int[] centroids, int[] table, int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, input, output, patches, inputLength, units);
        this.codebooks = codebooks;
        this.k = k;
        this.v = v;
        this.metric = metric;
        this.centroids = centroids;
        this.table = table;
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    int rowLength() {
        return codebooks * v;
    }

    @Override
    void row(int[] row, int[] out, int offset, int stride) {
        int[] acc = lookup(row);
        for (int n = 0; n < units; n++) {
            int y = (int) FixedPoint.rescale(acc[n], 1, shift[n], outBits);
            out[offset + n * stride] = relu && y < 0 ? 0 : y;
        }
    }

    /** Finds each codebook's nearest centroid (lowest index on ties) and sums the table rows. */
    private int[] lookup(int[] row) {
        int[] acc = bias.clone();
        for (int j = 0; j < codebooks; j++) {
            int offset = j * v;
            int best = 0;
            long bestDistance = Long.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                long d = distance(row, offset, (j * k + c) * v);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            int base = (j * k + best) * units;
            for (int n = 0; n < units; n++) {
                acc[n] += table[base + n];
            }
        }
        return acc;
    }

    /** Exact: inputs and centroids have at most 16 bits, so each term is below 2^34 and v below 2^20. */
    private long distance(int[] row, int offset, int centroid) {
        long d = 0;
        for (int u = 0; u < v; u++) {
            long diff = row[offset + u] - centroids[centroid + u];
            if (metric == L2) {
                d += diff * diff;
            } else if (metric == L1) {
                d += Math.abs(diff);
            } else {
                d = Math.max(d, Math.abs(diff));
            }
        }
        return d;
    }
}
