package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.lutboost.layer.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * One LUT layer of the {@link IntegerSimulation}: the nearest-centroid search and the sum of one
 * table row per codebook, for a batch of rows, chunk by chunk.
 *
 * <p>The search gives centroid {@code k} of a sub-vector {@code x} the key {@code s K + K - 1 - k}
 * with {@code s = |x|^2 - |x - p_k|^2} for L2 and {@code s = -d(x, p_k)} for L1 and Chebyshev: the
 * largest key is the nearest centroid, the lowest index among equals, and the key modulo {@code K}
 * gives that index back. Keys are laid out {@code [C, K, rows]}, so that the largest is found by
 * halving the {@code K} axis with elementwise maxima over contiguous rows: several times faster
 * than an argmax along a short last axis, and no index tensor per candidate. For L2 the keys come
 * out of one batched product, {@code [2pK, -|p|^2 K + K - 1 - k] [x; 1]}.
 *
 * <p>Every value is an integer. Float32 holds every integer below {@code 2^24} in magnitude, so a
 * sum or product of such integers whose result stays below it is exact: the search runs in float32
 * when every key and partial sum does, and in float64 otherwise; the table sums likewise. The
 * bounds come from the layer's own centroids and table and from the range of its input format.
 *
 * <p>Where the keys exceed {@code 2^24} the scores {@code s} alone often do not (the factor
 * {@code K} is what takes them past it): the scores, laid out {@code [C, rows, K]}, then run in
 * float32 and the nearest centroid is their argmax (L2) or the distances' argmin (L1, Chebyshev),
 * which PyTorch resolves to the first, so lowest, index among equals. Per 100,000 rows (scratch
 * harness, 8-bit values) that took 198-248 against 268-582 ms for float64 keys with 8 codebooks of
 * {@code K = 256}, 387-690 against 613-924 ms with 128 of {@code K = 16}; float32 keys and the
 * halving beat it (328-356 against 365-427 ms with 128 of {@code K = 16}), so it runs only where
 * the keys need float64.
 */
final class LutLayerSimulation {

    /** Elements of the largest temporary the layer builds per chunk of rows. */
    private static final long CHUNK_ELEMENTS = 1L << 22;

    private static final double FLOAT32_EXACT = 1 << 24;
    private static final double FLOAT64_EXACT = Math.scalb(1.0, 53);

    private final LutLayerOp op;
    private final DataType searchType;
    /** The search takes the argmax of float32 scores rather than the largest key. */
    private final boolean byScores;
    private final DataType sumType;
    /**
     * L2: the key side {@code [C, K, v + 1]} or, searching by scores, the score side
     * {@code [C, v + 1, K]} ({@link #l2Side}); L1 and Chebyshev: centroids {@code [C, K, v, 1]}, or
     * {@code [C, 1, K, v]}.
     */
    private final NDArray searchSide;
    /** Searching by scores, {@code c K} as {@code [C, 1]} int64: an index plus it gives the table row. */
    private final NDArray firstRow;
    /** L1 and Chebyshev: {@code K - 1 - k} as {@code [1, K, 1]}. */
    private final NDArray tieBreak;
    /**
     * Searching by keys, {@code c K + K - 1}, {@code [C, 1]} float64: a key's remainder subtracted
     * gives its table row.
     */
    private final NDArray lastRow;
    /** {@code [C K, N]}. */
    private final NDArray table;
    private final NDArray bias;

    /**
     * Uploads a layer's constants.
     *
     * @param op the layer
     * @param input its input's format
     * @param manager where the constants live
     */
    LutLayerSimulation(LutLayerOp op, FixedPointFormat input, NDManager manager) {
        this.op = op;
        int c = op.codebooks();
        int k = op.k();
        int v = op.v();
        double inputMagnitude = Math.max(Math.abs((double) input.minInt()), Math.abs((double) input.maxInt()));
        double scores = scoreBound(op.metric(), v, inputMagnitude, maxAbs(op.centroids()));
        double keys = scores * k + k;
        double sums = tableSumBound(op.table(), c, k, op.units());
        if (keys >= FLOAT64_EXACT || sums >= FLOAT64_EXACT) {
            throw new IllegalArgumentException("LUT layer " + op.name() + ": its search keys (up to " + keys
                    + ") or table sums (up to " + sums + ") exceed the integers float64 holds exactly, 2^53");
        }
        byScores = keys >= FLOAT32_EXACT && scores < FLOAT32_EXACT;
        searchType = keys < FLOAT32_EXACT || byScores ? DataType.FLOAT32 : DataType.FLOAT64;
        if (op.metric() == Metric.L2) {
            Shape shape = byScores ? new Shape(c, v + 1, k) : new Shape(c, k, v + 1);
            searchSide = IntegerUpload.of(manager, l2Side(op, !byScores), shape, searchType);
            tieBreak = null;
        } else if (byScores) {
            searchSide = IntegerUpload.of(manager, op.centroids(), new Shape(c, 1, k, v), searchType);
            tieBreak = null;
        } else {
            searchSide = IntegerUpload.of(manager, op.centroids(), new Shape(c, k, v, 1), searchType);
            double[] ties = new double[k];
            for (int j = 0; j < k; j++) {
                ties[j] = k - 1 - j;
            }
            tieBreak = IntegerUpload.of(manager, ties, new Shape(1, k, 1), searchType);
        }
        // Only the row offsets this layer's search uses.
        firstRow = byScores ? manager.arange(0, c * k, k, DataType.INT64).reshape(c, 1) : null;
        lastRow = byScores ? null : manager.arange(k - 1, c * k, k, DataType.FLOAT64).reshape(c, 1);
        sumType = sums < FLOAT32_EXACT ? DataType.FLOAT32 : DataType.FLOAT64;
        table = IntegerUpload.of(manager, op.table(), new Shape((long) c * k, op.units()), sumType);
        bias = IntegerUpload.of(manager, op.bias(), new Shape(op.units()), DataType.FLOAT64);
    }

    /**
     * Per centroid, {@code [2p, -|p|^2]} for scores, laid out {@code [C, v + 1, K]}; for keys the
     * same times {@code K} with {@code K - 1 - k} added to the last, laid out {@code [C, K, v + 1]}.
     */
    private static double[] l2Side(LutLayerOp op, boolean keys) {
        int k = op.k();
        int v = op.v();
        double scale = keys ? k : 1;
        double[] side = new double[op.codebooks() * k * (v + 1)];
        for (int row = 0; row < op.codebooks() * k; row++) {
            int j = row % k;
            // Entry i of this centroid's side lies at base + i * step: its own row for keys, its
            // column of the codebook's [v + 1, K] block for scores.
            int base = keys ? row * (v + 1) : (row - j) * (v + 1) + j;
            int step = keys ? 1 : k;
            long norm = 0;
            for (int i = 0; i < v; i++) {
                long p = op.centroids()[row * v + i];
                norm += p * p;
                side[base + i * step] = 2.0 * p * scale;
            }
            side[base + v * step] = -norm * scale + (keys ? k - 1 - j : 0);
        }
        return side;
    }

    /**
     * The largest magnitude of a score or of a partial sum forming one: for L2,
     * {@code 2 v Mx Mp + v Mp^2}; for L1 and Chebyshev, {@code v (Mx + Mp)}. A key's is this times
     * {@code K} plus {@code K}.
     *
     * @param metric the distance
     * @param v sub-vector length
     * @param inputMagnitude the largest input magnitude {@code Mx}
     * @param centroidMagnitude the largest centroid element magnitude {@code Mp}
     * @return the bound
     */
    private static double scoreBound(Metric metric, int v, double inputMagnitude, double centroidMagnitude) {
        return metric == Metric.L2
                ? 2.0 * v * inputMagnitude * centroidMagnitude + v * centroidMagnitude * centroidMagnitude
                : v * (inputMagnitude + centroidMagnitude);
    }

    /**
     * The largest magnitude of a partial sum of one table row per codebook: the sum over codebooks
     * of each codebook's largest entry magnitude.
     *
     * @param table {@code [C, K, N]} row-major
     * @param codebooks {@code C}
     * @param k {@code K}
     * @param units {@code N}
     * @return the bound
     */
    private static double tableSumBound(int[] table, int codebooks, int k, int units) {
        double sum = 0;
        int per = k * units;
        for (int cb = 0; cb < codebooks; cb++) {
            long max = 0;
            for (int i = cb * per; i < (cb + 1) * per; i++) {
                max = Math.max(max, Math.abs((long) table[i]));
            }
            sum += max;
        }
        return sum;
    }

    /**
     * The type the search runs in; inputs converted to it early are not converted again.
     *
     * @return float32 or float64
     */
    DataType searchType() {
        return searchType;
    }

    /**
     * Whether the search takes the argmax of float32 scores: the keys exceed {@code 2^24}, the
     * scores do not.
     *
     * @return true for scores, false for keys
     */
    boolean byScores() {
        return byScores;
    }

    /**
     * The type the table sums run in.
     *
     * @return float32 or float64
     */
    DataType sumType() {
        return sumType;
    }

    /**
     * The layer's accumulators: bias plus the chosen table row of every codebook.
     *
     * @param rows {@code [R, inputLength]} integers, any float type
     * @return {@code [R, N]} float64, attached to the rows' manager
     */
    NDArray accumulate(NDArray rows) {
        long r = rows.getShape().get(0);
        long padded = (long) op.codebooks() * op.v();
        NDArray x = rows.toType(searchType, false);
        if (padded != op.inputLength()) {
            x = x.concat(x.getManager().zeros(new Shape(r, padded - op.inputLength()), searchType), 1);
        }
        long width = Math.max(op.units(), (long) op.k() * (op.metric() == Metric.L2 ? 1 : op.v()));
        long chunk = Math.max(1, CHUNK_ELEMENTS / ((long) op.codebooks() * width));
        List<NDArray> parts = new ArrayList<>();
        for (long s = 0; s < r; s += chunk) {
            // An op's result joins its first operand's manager: the chunk and, for the chunk's
            // duration, the constants belong to a scope, so that every temporary of the chunk is
            // freed with it instead of piling up until the batch ends.
            try (NDManager scope = rows.getManager().newSubManager()) {
                NDArray part = x.get(scope, new NDIndex("{}:{}", s, Math.min(r, s + chunk)));
                scope.tempAttachAll(searchSide, byScores ? firstRow : lastRow, table);
                if (tieBreak != null) {
                    scope.tempAttachAll(tieBreak);
                }
                NDArray sum = tableSum(nearestRows(part));
                sum.attach(rows.getManager());
                parts.add(sum);
            }
        }
        return NDArrays.concat(new NDList(parts), 0).add(bias);
    }

    /** The chosen row of the stacked tables, {@code c K + k}, per codebook and row: {@code [C, n]} int64. */
    private NDArray nearestRows(NDArray part) {
        long n = part.getShape().get(0);
        int c = op.codebooks();
        int k = op.k();
        if (byScores) {
            // [C, n, v]: each codebook's sub-vectors as rows.
            NDArray sub = part.reshape(n, c, op.v()).transpose(1, 0, 2);
            NDArray index;
            if (op.metric() == Metric.L2) {
                index = sub.concat(part.getManager().ones(new Shape(c, n, 1), searchType), 2).matMul(searchSide)
                        .argMax(2);
            } else {
                NDArray diff = searchSide.sub(sub.expandDims(2)).abs();
                index = (op.metric() == Metric.L1 ? diff.sum(new int[] {3}) : diff.max(new int[] {3})).argMin(2);
            }
            return index.add(firstRow);
        }
        // [C, v, n]: each codebook's sub-vectors as columns.
        NDArray sub = part.reshape(n, c, op.v()).transpose(1, 2, 0);
        NDArray keys;
        if (op.metric() == Metric.L2) {
            keys = searchSide.matMul(sub.concat(part.getManager().ones(new Shape(c, 1, n), searchType), 1));
        } else {
            NDArray diff = searchSide.sub(sub.expandDims(1)).abs();
            NDArray distance = op.metric() == Metric.L1 ? diff.sum(new int[] {2}) : diff.max(new int[] {2});
            keys = distance.mul(-k).add(tieBreak);
        }
        long size = k;
        while (size > 1) {
            long half = size / 2;
            NDArray larger = keys.get(":, :{}, :", half).maximum(keys.get(":, {}:{}, :", half, 2 * half));
            keys = size % 2 == 0 ? larger : larger.concat(keys.get(":, {}:, :", 2 * half), 1);
            size = half + size % 2;
        }
        // The remainder of an integer key, exact in float64 (an fmod, shifted into [0, K)).
        NDArray tie = keys.reshape(c, n).toType(DataType.FLOAT64, false).mod(k);
        return lastRow.sub(tie).toType(DataType.INT64, false);
    }

    /** One table row per codebook and row, summed over codebooks: {@code [n, N]} float64. */
    private NDArray tableSum(NDArray rowsOfTable) {
        // An embedding lookup copies whole table rows, several times faster than advanced indexing.
        NDArray picked = rowsOfTable.getNDArrayInternal().embedding(rowsOfTable, table, SparseFormat.DENSE).head();
        return picked.sum(new int[] {0}).toType(DataType.FLOAT64, false);
    }

    private static double maxAbs(int[] values) {
        long max = 0;
        for (int value : values) {
            max = Math.max(max, Math.abs((long) value));
        }
        return max;
    }
}
