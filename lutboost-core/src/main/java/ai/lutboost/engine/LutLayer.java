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
final class LutLayer extends EngineOp {

    static final int L2 = 0;
    static final int L1 = 1;
    static final int CHEBYSHEV = 2;

    private final Patches patches;
    private final int inputLength;
    private final int codebooks;
    private final int k;
    private final int v;
    private final int units;
    private final int metric;
    private final int[] centroids;
    private final int[] table;
    private final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;

    LutLayer(String name, int input, int output, Patches patches, int inputLength, int codebooks, int k, int v,
            int units, int metric, int[] centroids, int[] table, int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, new int[] {input}, output);
        this.patches = patches;
        this.inputLength = inputLength;
        this.codebooks = codebooks;
        this.k = k;
        this.v = v;
        this.units = units;
        this.metric = metric;
        this.centroids = centroids;
        this.table = table;
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    void run(int[][] tensors) {
        int[] x = tensors[inputs[0]];
        int[] row = new int[codebooks * v];
        int[] acc = new int[units];
        if (patches == null) {
            System.arraycopy(x, 0, row, 0, inputLength);
            int[] out = new int[units];
            lookup(row, acc);
            for (int n = 0; n < units; n++) {
                out[n] = finish(acc[n], n);
            }
            tensors[output] = out;
            return;
        }
        int positions = patches.outHeight * patches.outWidth;
        int[] out = new int[units * positions];
        for (int oh = 0; oh < patches.outHeight; oh++) {
            for (int ow = 0; ow < patches.outWidth; ow++) {
                patches.fill(x, oh, ow, row);
                lookup(row, acc);
                int p = oh * patches.outWidth + ow;
                for (int n = 0; n < units; n++) {
                    out[n * positions + p] = finish(acc[n], n);
                }
            }
        }
        tensors[output] = out;
    }

    private int finish(int acc, int n) {
        int y = (int) FixedPoint.rescale(acc, 1, shift[n], outBits);
        return relu && y < 0 ? 0 : y;
    }

    /** Finds each codebook's nearest centroid (lowest index on ties) and sums the table rows. */
    private void lookup(int[] row, int[] acc) {
        System.arraycopy(bias, 0, acc, 0, units);
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
