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
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One LUT layer of the {@link IntegerSimulation}: the nearest-centroid search and the sum of one
 * table row per codebook, for a batch of rows, chunk by chunk.
 *
 * <p>The search splits each codebook's {@code K} centroids into {@code G} groups of {@code J}
 * and gives centroid {@code j} of a group the key {@code s J + J - 1 - j}, with
 * {@code s = |x|^2 - |x - p|^2} for L2 and {@code s = -d(x, p)} for L1 and Chebyshev: the largest
 * key of a group is its nearest centroid, the lowest index among equals, and the key modulo
 * {@code J} gives that index back. Keys are laid out {@code [C, K, rows]}, so that each group's
 * largest is found by halving its {@code J} axis with elementwise maxima over contiguous rows:
 * several times faster than an argmax along a short axis, and no index tensor per candidate. For
 * L2 the keys come out of one batched product, {@code [2pJ, -|p|^2 J + J - 1 - j] [x; 1]}. With
 * more than one group, each winner's key is widened to the codebook's, {@code s K + K - 1 - k}, which
 * float64 holds, and the winners meet in the same way.
 *
 * <p>Every value is an integer. Float32 holds every integer below {@code 2^24} in magnitude, so a
 * sum or product of such integers whose result stays below it is exact. The groups are as large
 * as that allows: one group of {@code K} where {@code s K + K} stays below {@code 2^24}, else the
 * largest divisor {@code J} of {@code K} for which {@code s J + J} does, and the whole search in
 * float64 where no {@code J >= 2} does. With 8-bit inputs and centroids, {@code v = 8} and
 * {@code K = 256}, the ViT-tiny's and the LeNet-5 fully connected layers' shape, the keys of one
 * group would reach {@code 2^26.6}, and groups of 32 keep them below {@code 2^24}. There,
 * {@code verify} of a ViT-tiny bundle took 89-94 s against 125-127 s with an argmax of float32
 * scores, which PyTorch computes several times slower than elementwise maxima along a short axis
 * (and slower still along the middle one). The table sums likewise run in float32 where every
 * partial sum stays below {@code 2^24}. The bounds come from the layer's own centroids and table
 * and from the range of its input format.
 *
 * <p>The table sum copies one row per codebook out of the table and adds the copies up, and for
 * the residual CNN's convolutions ({@code K = 16}) that was a third of the layer's time. Where the
 * result stays small, the table holds each pair of codebooks' row sums instead, {@code K^2} rows per
 * pair, so that half as many rows are copied and added; every such row is a partial sum and stays
 * within the same bound. Inputs arrive as columns, {@code [inputLength, rows]}, the layout the
 * search reads, so that a convolution's patches are written once, straight into it. Chunks are as
 * large as memory comfortably allows: each costs some twenty tensor operations whose fixed cost
 * added a second per thousand chunks. With these three, {@code verify} of a residual CNN bundle
 * took 20.3-22.4 s for 2,000 images against 30.8-35.6 s.
 */
final class LutLayerSimulation {

    /** Elements of the largest temporary the layer builds per chunk of rows. */
    private static final long CHUNK_ELEMENTS = 1L << 24;

    /**
     * The most elements a fused table may have: 8 Mi, 32 MiB in float32. The residual CNN's largest
     * layer (C = 288, K = 16, N = 128) needs 4.5 Mi; a K = 256 layer's would not fit.
     */
    private static final long FUSED_TABLE_ELEMENTS = 1L << 23;

    private static final double FLOAT32_EXACT = 1 << 24;
    private static final double FLOAT64_EXACT = Math.scalb(1.0, 53);

    private final LutLayerOp op;
    private final DataType searchType;
    /** Centroids per group, {@code J}: a divisor of {@code K}. */
    private final int groupSize;
    /** Groups per codebook, {@code G = K / J}. */
    private final int groups;
    private final DataType sumType;
    /** L2: the key side {@code [C, K, v + 1]} ({@link #l2Side}); L1 and Chebyshev: centroids {@code [C, K, v, 1]}. */
    private final NDArray searchSide;
    /** L1 and Chebyshev: {@code J - 1 - j} as {@code [1, K, 1]}. */
    private final NDArray tieBreak;
    /** With more than one group, {@code (G - 1 - g) J} as {@code [1, G, 1]} float64. */
    private final NDArray groupKeys;
    /** Every constant the search and sums read, attached to each chunk's scope in turn. */
    private final NDArray[] constants;
    /** Codebooks whose rows each row of {@link #table} sums: 2, or 1 where such a table would be too large. */
    private final int fused;
    /**
     * The last row of each codebook's, or pair of codebooks', part of {@link #table},
     * {@code [C / fused, 1]} float64: see {@link #tableRows}.
     */
    private final NDArray lastRow;
    /**
     * Without fusing, the tables {@code [C K, N]}; fused, for each pair of codebooks {@code (2p,
     * 2p + 1)} the sum of every row of the first and every row of the second, {@code [P K^2, N]}
     * with row {@code p K^2 + k1 K + k2}, a missing last codebook's rows taken as zeros.
     */
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
        int float32Group = float32GroupSize(k, scores);
        searchType = float32Group > 0 ? DataType.FLOAT32 : DataType.FLOAT64;
        groupSize = float32Group > 0 ? float32Group : k;
        groups = k / groupSize;
        double[] ties = new double[k];
        for (int j = 0; j < k; j++) {
            ties[j] = groupSize - 1 - j % groupSize;
        }
        if (op.metric() == Metric.L2) {
            searchSide = IntegerUpload.of(manager, l2Side(op, groupSize, ties), new Shape(c, k, v + 1), searchType);
            tieBreak = null;
        } else {
            searchSide = IntegerUpload.of(manager, op.centroids(), new Shape(c, k, v, 1), searchType);
            tieBreak = IntegerUpload.of(manager, ties, new Shape(1, k, 1), searchType);
        }
        double[] offsets = new double[groups];
        for (int g = 0; g < groups; g++) {
            offsets[g] = (double) (groups - 1 - g) * groupSize;
        }
        groupKeys = groups == 1 ? null : IntegerUpload.of(manager, offsets, new Shape(1, groups, 1), DataType.FLOAT64);
        sumType = sums < FLOAT32_EXACT ? DataType.FLOAT32 : DataType.FLOAT64;
        long pairs = (c + 1) / 2;
        fused = c > 1 && pairs * k * k * op.units() <= FUSED_TABLE_ELEMENTS ? 2 : 1;
        int width = fused == 1 ? k : k * k;
        double[] last = new double[(c + fused - 1) / fused];
        for (int i = 0; i < last.length; i++) {
            last[i] = (double) i * width + width - 1;
        }
        lastRow = IntegerUpload.of(manager, last, new Shape(last.length, 1), DataType.FLOAT64);
        table = fused == 1
                ? IntegerUpload.of(manager, op.table(), new Shape((long) c * k, op.units()), sumType)
                : IntegerUpload.of(manager, pairTable(op), new Shape(pairs * k * k, op.units()), sumType);
        bias = IntegerUpload.of(manager, op.bias(), new Shape(op.units()), DataType.FLOAT64);
        constants = Stream.of(searchSide, tieBreak, groupKeys, lastRow, table)
                .filter(Objects::nonNull)
                .toArray(NDArray[]::new);
    }

    /** Rows {@code p K^2 + k1 K + k2} of the fused table: row {@code k1} of codebook {@code 2p} plus row {@code k2} of the next. */
    private static double[] pairTable(LutLayerOp op) {
        int c = op.codebooks();
        int k = op.k();
        int n = op.units();
        int[] t = op.table();
        double[] pairs = new double[(c + 1) / 2 * k * k * n];
        for (int p = 0; p < (c + 1) / 2; p++) {
            for (int k1 = 0; k1 < k; k1++) {
                for (int k2 = 0; k2 < k; k2++) {
                    int row = ((p * k + k1) * k + k2) * n;
                    int first = (2 * p * k + k1) * n;
                    int second = ((2 * p + 1) * k + k2) * n;
                    for (int u = 0; u < n; u++) {
                        pairs[row + u] = (double) t[first + u] + (2 * p + 1 < c ? t[second + u] : 0);
                    }
                }
            }
        }
        return pairs;
    }

    /**
     * The largest divisor {@code J >= 2} of {@code K} whose keys {@code s J + J - 1 - j} stay below
     * {@code 2^24} in magnitude, or 0 if there is none.
     */
    private static int float32GroupSize(int k, double scores) {
        for (int j = k; j >= 2; j--) {
            if (k % j == 0 && scores * j + j < FLOAT32_EXACT) {
                return j;
            }
        }
        return 0;
    }

    /**
     * Per centroid, {@code [2p J, -|p|^2 J + J - 1 - j]}, laid out {@code [C, K, v + 1]}.
     *
     * @param ties {@code J - 1 - j} per centroid of a codebook
     */
    private static double[] l2Side(LutLayerOp op, int groupSize, double[] ties) {
        int k = op.k();
        int v = op.v();
        double[] side = new double[op.codebooks() * k * (v + 1)];
        for (int row = 0; row < op.codebooks() * k; row++) {
            long norm = 0;
            for (int i = 0; i < v; i++) {
                long p = op.centroids()[row * v + i];
                norm += p * p;
                side[row * (v + 1) + i] = 2.0 * p * groupSize;
            }
            side[row * (v + 1) + v] = -norm * (double) groupSize + ties[row % k];
        }
        return side;
    }

    /**
     * The largest magnitude of a score or of a partial sum forming one: for L2,
     * {@code 2 v Mx Mp + v Mp^2}; for L1 and Chebyshev, {@code v (Mx + Mp)}. A key's is this times
     * the group size plus the group size.
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
     * Centroids per group of the search: {@code K} for one group.
     *
     * @return {@code J}, a divisor of {@code K}
     */
    int groupSize() {
        return groupSize;
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
     * @param columns {@code [inputLength, R]} integers, any float type: row {@code i} holds input
     *     {@code i} of every row; a view of transposed rows will do
     * @return {@code [R, N]} float64, attached to the columns' manager
     */
    NDArray accumulate(NDArray columns) {
        long r = columns.getShape().get(1);
        long padded = (long) op.codebooks() * op.v();
        NDArray x = columns.toType(searchType, false);
        if (padded != op.inputLength()) {
            x = x.concat(x.getManager().zeros(new Shape(padded - op.inputLength(), r), searchType), 0);
        }
        long width = Math.max(op.units(), (long) op.k() * (op.metric() == Metric.L2 ? 1 : op.v()));
        long chunk = Math.max(1, CHUNK_ELEMENTS / ((long) op.codebooks() * width));
        List<NDArray> parts = new ArrayList<>();
        for (long s = 0; s < r; s += chunk) {
            // An op's result joins its first operand's manager: the chunk and, for the chunk's
            // duration, the constants belong to a scope, so that every temporary of the chunk is
            // freed with it instead of piling up until the batch ends.
            try (NDManager scope = columns.getManager().newSubManager()) {
                NDArray part = x.get(scope, new NDIndex(":, {}:{}", s, Math.min(r, s + chunk)));
                scope.tempAttachAll(constants);
                NDArray sum = tableSum(tableRows(nearest(part)));
                sum.attach(columns.getManager());
                parts.add(sum);
            }
        }
        return NDArrays.concat(new NDList(parts), 0).add(bias);
    }

    /**
     * The nearest centroid of each codebook as {@code K - 1 - k}, per codebook and row:
     * {@code [C, n]}, float32 or float64.
     */
    private NDArray nearest(NDArray part) {
        long n = part.getShape().get(1);
        int c = op.codebooks();
        // [C, v, n]: each codebook's sub-vectors as columns.
        NDArray sub = part.reshape(c, op.v(), n);
        NDArray keys;
        if (op.metric() == Metric.L2) {
            keys = searchSide.matMul(sub.concat(part.getManager().ones(new Shape(c, 1, n), searchType), 1));
        } else {
            NDArray diff = searchSide.sub(sub.expandDims(1)).abs();
            NDArray distance = op.metric() == Metric.L1 ? diff.sum(new int[] {2}) : diff.max(new int[] {2});
            keys = distance.mul(-groupSize).add(tieBreak);
        }
        // Each group's largest key, then its remainder, J - 1 - j: exact in the keys' own type (an
        // fmod, shifted into [0, J)).
        NDArray winners = largest(keys.reshape((long) c * groups, groupSize, n));
        if (groups == 1) {
            return winners.mod(groupSize).reshape(c, n);
        }
        // The winners widened to the codebook's keys in float64: (W - t) G + (G - 1 - g) J + t =
        // s K + K - 1 - k, with W = s J + t and t = J - 1 - j.
        winners = winners.reshape(c, groups, n).toType(DataType.FLOAT64, false);
        NDArray within = winners.mod(groupSize);
        NDArray widened = winners.sub(within).mul(groups).add(within).add(groupKeys);
        return largest(widened).mod(op.k()).reshape(c, n);
    }

    /**
     * The row of {@link #table} to add, per codebook (or pair) and row: {@code c K + k}, or fused
     * {@code p K^2 + k1 K + k2}; each is the last row of its part minus the nearest's
     * {@code K - 1 - k} (fused, {@code (K - 1 - k1) K + K - 1 - k2}). {@code [C / fused, n]} int64.
     */
    private NDArray tableRows(NDArray nearest) {
        NDArray fromLast = nearest.toType(DataType.FLOAT64, false);
        if (fused == 2) {
            long n = fromLast.getShape().get(1);
            if (op.codebooks() % 2 == 1) {
                fromLast = fromLast.concat(fromLast.getManager().zeros(new Shape(1, n), DataType.FLOAT64), 0);
            }
            NDArray pairs = fromLast.reshape(-1, 2, n);
            fromLast = pairs.get(":, 0, :").mul(op.k()).add(pairs.get(":, 1, :"));
        }
        return lastRow.sub(fromLast).toType(DataType.INT64, false);
    }

    /** The largest along axis 1 by halving it: {@code [A, L, n]} to {@code [A, 1, n]}. */
    private static NDArray largest(NDArray values) {
        long size = values.getShape().get(1);
        while (size > 1) {
            long half = size / 2;
            NDArray larger = values.get(":, :{}, :", half).maximum(values.get(":, {}:{}, :", half, 2 * half));
            values = size % 2 == 0 ? larger : larger.concat(values.get(":, {}:, :", 2 * half), 1);
            size = half + size % 2;
        }
        return values;
    }

    /** One table row per codebook (or pair) and row, summed: {@code [n, N]} float64. */
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
