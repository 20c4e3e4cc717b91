package ai.lutboost.engine;

/**
 * A LUT layer (linear or conv): per row, the nearest centroid of each codebook, then the sum of
 * the selected table rows onto the bias, rescaled per column.
 *
 * <p>The accumulator adds codebooks in order {@code 0..C-1}; the datapath saturates after each
 * add, but the loader only accepts layers with {@code |bias| + C 2^(tableBits-1) < 2^31}, so no add
 * can reach the limits, exact sums give the saturating result in any order (FixedPoint's
 * argument), and a block of rows can be taken codebook by codebook.
 *
 * <p>Both halves run over a block of rows at once, in {@link VectorLutKernel}'s Vector API loops
 * when the JVM has {@code jdk.incubator.vector} ({@link VectorSupport}), otherwise in the plain
 * Java loops here, with the same arithmetic:
 * <ul>
 *   <li>the search ranks centroid {@code c} of a row by the key {@code distance * 2^s + c}
 *       ({@code 2^s >= K}), so the smallest key names the nearest centroid and, on equal
 *       distances, the lowest index, as the datapath's tie rule says; {@link #keyBound} proves
 *       the keys fit an {@code int}, and a layer whose formats do not allow it takes a scalar
 *       search in {@code long}s;
 *   <li>the table is stored with several entries packed in each {@code long} (or, for the
 *       vector loops, each {@code int}), offset to be non-negative, so one add sums several
 *       columns; {@link PackedTable} proves that no lane carries into the next.
 * </ul>
 */
final class LutLayer extends RowLayer {

    static final int L2 = 0;
    static final int L1 = 1;
    static final int CHEBYSHEV = 2;

    final int codebooks;
    final int k;
    final int v;
    final int metric;
    private final int[] centroids;
    /**
     * Element {@code u} of centroid {@code c} of codebook {@code j} at {@code (j K + c) v + u}; for
     * L2 with {@code int} keys times {@code -2 * 2^s}, so that the key is {@link #norms} plus
     * these times the input, with no shift per centroid (partial sums may wrap; the whole key
     * fits an {@code int} by {@link #keyBound}, and {@code int} adds wrap exactly).
     */
    final int[] weights;
    /** Per codebook and centroid, its squared norm times {@code 2^s} plus its index (L2 keys only). */
    final int[] norms;
    /** For the vector loops' unrolled searches, 4 or 8 elements per centroid; 0 otherwise. */
    final int searchWidth;
    /**
     * {@link #weights} with each centroid's {@code v} elements padded with zeros to
     * {@link #searchWidth}: a zero element against a zero input adds nothing under any metric.
     */
    final int[] paddedWeights;
    final int indexBits;
    private final boolean intKeys;
    /** The table for the plain-Java loops; null when the vector loops run. */
    private final PackedTable table;
    /** The table for the vector loops ({@link VectorSupport#table}); null when they do not run. */
    final int[] vectorTable;
    final int tableBits;
    final int[] bias;
    private final int[] shift;
    private final int outBits;
    private final boolean relu;
    /**
     * Every column's shift is in {@code [1, 31]}: the round-shift is then {@code (x >> s)} plus bit
     * {@code s - 1} of {@code x}, which equals {@code (x + 2^(s-1)) >> s} without the add that
     * could overflow an {@code int}, so the rescale needs no {@code long}s.
     */
    private final boolean intFinish;
    /** The output's saturation bounds, with the ReLU's zero as the lower one when it applies. */
    private final int low;
    private final int high;

    /**
     * Makes the layer.
     *
     * @param inputBits the input's width, which centroids share: at most 16
     * @param tableBits the table's width: at most 16
     */
    LutLayer(String name, int input, int output, Patches patches, int inputLength, int inputSize, int codebooks,
            int k, int v, int units, int metric, int inputBits, int[] centroids, int tableBits, int[] table,
            int[] bias, int[] shift, int outBits, boolean relu) {
        super(name, input, output, patches, inputLength, units, inputSize);
        this.codebooks = codebooks;
        this.k = k;
        this.v = v;
        this.metric = metric;
        this.centroids = centroids;
        indexBits = 32 - Integer.numberOfLeadingZeros(k - 1);
        intKeys = ((keyBound(metric, v, inputBits) + 1) << indexBits) <= Integer.MAX_VALUE;
        weights = new int[centroids.length];
        norms = new int[intKeys && metric == L2 ? codebooks * k : 0];
        for (int i = 0; i < centroids.length; i++) {
            weights[i] = norms.length > 0 ? -2 * centroids[i] << indexBits : centroids[i];
        }
        for (int i = 0; i < norms.length; i++) {
            for (int u = 0; u < v; u++) {
                norms[i] += centroids[i * v + u] * centroids[i * v + u];
            }
            norms[i] = norms[i] << indexBits | i % k;
        }
        this.tableBits = tableBits;
        boolean vector = intKeys && VectorSupport.ENABLED;
        this.table = vector ? null : new PackedTable(table, codebooks * k, units, tableBits);
        vectorTable = vector ? VectorSupport.table(table, codebooks * k, units, tableBits) : null;
        searchWidth = !vector ? 0 : v <= 4 ? 4 : v <= 8 ? 8 : 0;
        paddedWeights = new int[codebooks * k * searchWidth];
        for (int c = 0; searchWidth > 0 && c < codebooks * k; c++) {
            System.arraycopy(weights, c * v, paddedWeights, c * searchWidth, v);
        }
        this.bias = bias;
        this.shift = shift;
        this.outBits = outBits;
        this.relu = relu;
        intFinish = java.util.Arrays.stream(shift).allMatch(x -> x >= 1 && x <= 31);
        low = relu ? 0 : -(1 << (outBits - 1));
        high = (1 << (outBits - 1)) - 1;
    }

    /**
     * The largest magnitude of the integer a centroid is ranked by, with inputs and centroids in
     * {@code [-2^(b-1), 2^(b-1))}. L2 ranks by {@code |c|^2 - 2 x.c}, which differs from
     * {@code |x - c|^2} by {@code |x|^2} alone (same order, same ties); each of its {@code v} terms
     * is at most {@code 2^(2b-2) + 2^(2b-1)} in magnitude. L1 sums {@code v} differences below
     * {@code 2^b}; Chebyshev takes the largest. For 8-bit inputs, L2 keys of {@code v = 8},
     * {@code K = 256} stay below {@code 2^27}.
     */
    static long keyBound(int metric, int v, int inputBits) {
        long difference = (1L << inputBits) - 1;
        return switch (metric) {
            case L2 -> 3L * v << (2 * inputBits - 2);
            case L1 -> v * difference;
            default -> difference;
        };
    }

    @Override
    Kernel kernel(int capacity) {
        return kernel(Math.max(BLOCK, capacity * rowsPerSample), TokenPlan.ALL);
    }

    @Override
    Kernel tokenKernel(int capacity, int tokens, int token) {
        return kernel(Math.max(BLOCK, capacity), token);
    }

    private Kernel kernel(int rows, int token) {
        return vectorTable != null ? VectorSupport.lutKernel(this, rows, token) : new ScalarKernel(rows, token);
    }

    /**
     * A kernel's row blocking, sub-vector gathering and output rescaling; subclasses choose the
     * centroids and sum the table rows.
     */
    abstract static class BlockKernel implements Kernel {
        final LutLayer layer;
        /** The one token each sample computes, or {@link TokenPlan#ALL}. */
        private final int token;
        final int block;
        private final int[] padded;
        private final int[] starts;
        /** Rows from one sub-vector element to the next in {@link #sub}: the block rounded up to 16. */
        final int stride;
        /** Element {@code u} of every row's sub-vector at {@code u * stride + row}. */
        final int[] sub;
        /** Row {@code i}'s column {@code u} at {@code i * units + u}, starting from the bias. */
        final int[] acc;

        BlockKernel(LutLayer layer, int rows, int token) {
            this.layer = layer;
            this.token = token;
            block = Math.min(rows, 256);
            padded = layer.paddedBuffer();
            starts = new int[block];
            stride = (block + 15) & -16;
            sub = new int[layer.v * stride];
            acc = new int[block * layer.units];
        }

        /** Chooses codebook {@code j}'s centroid for each of {@code n} rows from {@link #sub}, for {@link #sum}. */
        abstract void search(int j, int n);

        /** Adds the chosen table rows of {@code n} rows to {@link #acc}, which holds their biases. */
        abstract void sum(int n);

        @Override
        public final void run(int[][] tensors, int samples) {
            LutLayer l = layer;
            int[] x = tensors[l.inputs[0]];
            int[] out = tensors[l.output];
            int units = l.units;
            if (l.patches == null) {
                int rows = token == TokenPlan.ALL ? samples * l.rowsPerSample : samples;
                for (int first = 0; first < rows; first += block) {
                    int n = Math.min(block, rows - first);
                    for (int i = 0; i < n; i++) {
                        starts[i] = l.row(first + i, token) * l.inputLength;
                    }
                    rows(x, n);
                    for (int i = 0; i < n; i++) {
                        int to = l.row(first + i, token) * units;
                        for (int u = 0; u < units; u++) {
                            out[to + u] = l.finish(acc[i * units + u], u);
                        }
                    }
                }
                return;
            }
            for (int s = 0; s < samples; s++) {
                int[] src = l.source(x, s, padded);
                int start = l.sourceStart(s);
                for (int first = 0; first < l.rowsPerSample; first += block) {
                    int n = Math.min(block, l.rowsPerSample - first);
                    for (int i = 0; i < n; i++) {
                        starts[i] = start + l.corners[first + i];
                    }
                    rows(src, n);
                    int to = s * l.outputSize + first;
                    for (int u = 0; u < units; u++) {
                        for (int i = 0; i < n; i++) {
                            out[to + u * l.rowsPerSample + i] = l.finish(acc[i * units + u], u);
                        }
                    }
                }
            }
        }

        private void rows(int[] src, int n) {
            LutLayer l = layer;
            int v = l.v;
            for (int j = 0; j < l.codebooks; j++) {
                for (int u = 0; u < v; u++) {
                    int d = j * v + u;
                    if (d < l.inputLength) {
                        int offset = l.offsets[d];
                        for (int i = 0; i < n; i++) {
                            sub[u * stride + i] = src[starts[i] + offset];
                        }
                    } else {
                        java.util.Arrays.fill(sub, u * stride, u * stride + n, 0);
                    }
                }
                search(j, n);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(l.bias, 0, acc, i * l.units, l.units);
            }
            sum(n);
        }
    }

    /**
     * The loops in plain Java: what runs without {@code jdk.incubator.vector}, and for layers
     * whose keys need a {@code long}.
     */
    private final class ScalarKernel extends BlockKernel {
        private final int[] distances;
        private final int[] keys;
        private final long[] packed;
        /** Row {@code i}'s centroid of codebook {@code j} at {@code i * codebooks + j}. */
        private final int[] chosen;

        ScalarKernel(int rows, int token) {
            super(LutLayer.this, rows, token);
            distances = new int[block];
            keys = new int[block];
            packed = new long[block * table.words];
            chosen = new int[block * codebooks];
        }

        @Override
        void sum(int n) {
            int words = table.words;
            long[] data = table.data;
            for (int from = 0; from < codebooks; from += table.group) {
                int to = Math.min(codebooks, from + table.group);
                java.util.Arrays.fill(packed, 0, n * words, 0L);
                for (int j = from; j < to; j++) {
                    for (int i = 0; i < n; i++) {
                        int row = (j * k + chosen[i * codebooks + j]) * words;
                        int a = i * words;
                        for (int w = 0; w < words; w++) {
                            packed[a + w] += data[row + w];
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    table.unpack(packed, i * words, to - from, acc, i * units);
                }
            }
        }

        @Override
        void search(int j, int n) {
            if (!intKeys) {
                searchLong(j, n);
                return;
            }
            java.util.Arrays.fill(keys, 0, n, Integer.MAX_VALUE);
            for (int c = 0; c < k; c++) {
                int centroid = (j * k + c) * v;
                if (metric == L2) {
                    java.util.Arrays.fill(distances, 0, n, norms[j * k + c]);
                    for (int u = 0; u < v; u++) {
                        int w = weights[centroid + u];
                        int at = u * stride;
                        for (int i = 0; i < n; i++) {
                            distances[i] += w * sub[at + i];
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        keys[i] = Math.min(keys[i], distances[i]);
                    }
                    continue;
                }
                java.util.Arrays.fill(distances, 0, n, 0);
                for (int u = 0; u < v; u++) {
                    int w = weights[centroid + u];
                    int at = u * stride;
                    if (metric == L1) {
                        for (int i = 0; i < n; i++) {
                            distances[i] += Math.abs(sub[at + i] - w);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            distances[i] = Math.max(distances[i], Math.abs(sub[at + i] - w));
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    keys[i] = Math.min(keys[i], distances[i] << indexBits | c);
                }
            }
            int mask = (1 << indexBits) - 1;
            for (int i = 0; i < n; i++) {
                chosen[i * codebooks + j] = keys[i] & mask;
            }
        }

        /** The search in {@code long}s, for inputs too wide for int keys: each squared term is below {@code 2^34}. */
        private void searchLong(int j, int n) {
            for (int i = 0; i < n; i++) {
                int best = 0;
                long bestDistance = Long.MAX_VALUE;
                for (int c = 0; c < k; c++) {
                    long d = 0;
                    int centroid = (j * k + c) * v;
                    for (int u = 0; u < v; u++) {
                        long diff = sub[u * stride + i] - centroids[centroid + u];
                        d = switch (metric) {
                            case L2 -> d + diff * diff;
                            case L1 -> d + Math.abs(diff);
                            default -> Math.max(d, Math.abs(diff));
                        };
                    }
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = c;
                    }
                }
                chosen[i * codebooks + j] = best;
            }
        }
    }

    /** Rescales column {@code u}'s sum to the output, in {@code int}s when {@link #intFinish} allows. */
    int finish(int sum, int u) {
        int s = shift[u];
        if (intFinish) {
            return Math.min(high, Math.max(low, (sum >> s) + ((sum >> (s - 1)) & 1)));
        }
        int y = (int) FixedPoint.rescale(sum, 1, s, outBits);
        return relu && y < 0 ? 0 : y;
    }
}
