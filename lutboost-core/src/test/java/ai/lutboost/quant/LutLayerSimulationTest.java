package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.layer.Metric;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The simulation's LUT layer against a search and sum in {@code long}s, at the edges of the bounds
 * that let it run in float32: inputs and centroids at the ends of their ranges, where keys and
 * sums come nearest the bound, and tied centroids, whose lowest index must win.
 */
class LutLayerSimulationTest {

    private static final FixedPointFormat EIGHT_BITS = new FixedPointFormat(8, 4, true);
    private static final FixedPointFormat TWELVE_BITS = new FixedPointFormat(12, 4, true);
    private static final FixedPointFormat SIXTEEN_BITS = new FixedPointFormat(16, 4, true);
    @Test
    void l2KeysInFloat32UpToTheBound() {
        // Scores 3 v 128^2 = 49,152 v. One group while s 16 + 16 < 2^24, up to v = 21; groups of 8
        // from v = 22 (s 8 + 8 < 2^24 up to v = 42), of 4 from v = 43, of 2 up to v = 170; past
        // that the keys in float64.
        check(layer(Metric.L2, 21, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT32, 16, DataType.FLOAT32);
        check(layer(Metric.L2, 22, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT32, 8, DataType.FLOAT32);
        check(layer(Metric.L2, 42, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT32, 8, DataType.FLOAT32);
        check(layer(Metric.L2, 43, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT32, 4, DataType.FLOAT32);
        check(layer(Metric.L2, 170, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT32, 2, DataType.FLOAT32);
        check(layer(Metric.L2, 171, 2, 16, 8), EIGHT_BITS, 400, DataType.FLOAT64, 16, DataType.FLOAT32);
    }

    @Test
    void l2AtTheShippedTransformerShape() {
        // v = 8, K = 256, 8-bit inputs and centroids: s = 393,216, groups of 32 (s 32 + 32 < 2^24,
        // s 64 is not).
        check(layer(Metric.L2, 8, 4, 256, 8, 8), EIGHT_BITS, 600, DataType.FLOAT32, 32, DataType.FLOAT32);
    }

    @Test
    void l1AndChebyshevSearchesAtEachBound() {
        for (Metric metric : new Metric[] {Metric.L1, Metric.CHEBYSHEV}) {
            // Scores v (2048 + 2048): one group of 256 while s 256 + 256 < 2^24, up to v = 15;
            // groups of 128 at v = 16.
            check(layer(metric, 15, 2, 256, 12), TWELVE_BITS, 300, DataType.FLOAT32, 256, DataType.FLOAT32);
            check(layer(metric, 16, 2, 256, 12), TWELVE_BITS, 300, DataType.FLOAT32, 128, DataType.FLOAT32);
            // 16-bit inputs and centroids, K = 2: s = v (32768 + 32768), s 2 + 2 < 2^24 up to v = 127.
            check(layer(metric, 127, 2, 2, 8, 16), SIXTEEN_BITS, 300, DataType.FLOAT32, 2, DataType.FLOAT32);
            check(layer(metric, 128, 2, 2, 8, 16), SIXTEEN_BITS, 300, DataType.FLOAT64, 2, DataType.FLOAT32);
        }
    }

    @Test
    void l2GroupsOfTwoWhereOnlyTheyKeepTheKeysBelowTheBound() {
        // 8-bit inputs, 12-bit centroids: s = 2 v 128 2048 + v 2048^2 = 4,718,592 v; at v = 1 only
        // groups of 2 stay below 2^24, and their 128 winners meet in float64; at v = 2 none does.
        check(layer(Metric.L2, 1, 3, 256, 8), EIGHT_BITS, 300, DataType.FLOAT32, 2, DataType.FLOAT32);
        check(layer(Metric.L2, 2, 3, 256, 8), EIGHT_BITS, 300, DataType.FLOAT64, 256, DataType.FLOAT32);
    }

    @Test
    void tableSumsInFloat32UpToTheBound() {
        // 16-bit entries at their ends: C 2^15 < 2^24 up to C = 511. 1,100 rows are three chunks.
        check(layer(Metric.L1, 1, 511, 16, 16), EIGHT_BITS, 1100, DataType.FLOAT32, 16, DataType.FLOAT32);
        check(layer(Metric.L1, 1, 512, 16, 16), EIGHT_BITS, 1100, DataType.FLOAT32, 16, DataType.FLOAT64);
    }

    @Test
    void centroidCountsThatAreNotPowersOfTwo() {
        // The halving leaves an odd element out at 7 -> 4 and 12 -> 6 -> 3 -> 2: it must still compete.
        for (int k : new int[] {7, 12}) {
            for (Metric metric : Metric.values()) {
                check(layer(metric, 4, 3, k, 8), EIGHT_BITS, 300, DataType.FLOAT32, k, DataType.FLOAT32);
            }
        }
        // L2 with s = 49,152 v: K = 12 takes groups of 6 at v = 29 (s 12 >= 2^24, s 6 < 2^24); K = 7
        // has no divisor to split by, and at v = 50 its search runs in float64.
        check(layer(Metric.L2, 29, 3, 12, 8, 8), EIGHT_BITS, 300, DataType.FLOAT32, 6, DataType.FLOAT32);
        check(layer(Metric.L2, 50, 3, 7, 8, 8), EIGHT_BITS, 300, DataType.FLOAT64, 7, DataType.FLOAT32);
    }

    private static LutLayerOp layer(Metric metric, int v, int codebooks, int k, int tableBits) {
        return layer(metric, v, codebooks, k, tableBits, k == 256 ? 12 : 8);
    }

    /**
     * Centroids and table entries at the ends of their ranges; every odd centroid a copy of the one
     * before, and in the upper half every second even one a copy of the centroid half a codebook
     * below, so that tied centroids fall into one group and into different groups.
     */
    private static LutLayerOp layer(Metric metric, int v, int codebooks, int k, int tableBits, int bits) {
        Random r = new Random(31L * v + codebooks + metric.ordinal());
        int[] centroids = new int[codebooks * k * v];
        for (int i = 0; i < centroids.length; i++) {
            int j = i / v % k;
            centroids[i] = j % 2 == 1
                    ? centroids[i - v]
                    : j >= k / 2 && j % 4 == 2 ? centroids[i - k / 2 * v] : extreme(r, bits);
        }
        int units = 8;
        int[] table = new int[codebooks * k * units];
        for (int i = 0; i < table.length; i++) {
            table[i] = extreme(r, tableBits);
        }
        int[] bias = new int[units];
        for (int i = 0; i < units; i++) {
            bias[i] = r.nextInt(2001) - 1000;
        }
        return new LutLayerOp("lut", "in", "out", null, codebooks * v, codebooks, k, v, units, metric, tableBits,
                centroids, table, bias, new int[units], false);
    }

    /** Mostly one end of a signed range or the other, now and then a value between. */
    private static int extreme(Random r, int bits) {
        int max = (1 << (bits - 1)) - 1;
        int kind = r.nextInt(5);
        return kind == 0 ? -max - 1 : kind < 3 ? max : kind == 3 ? -max : r.nextInt(2 * max + 2) - max - 1;
    }

    private static void check(LutLayerOp op, FixedPointFormat input, int rows, DataType search, int groupSize,
            DataType sum) {
        Random r = new Random(rows + op.v());
        int[][] x = new int[rows][op.inputLength()];
        for (int s = 0; s < rows; s++) {
            for (int i = 0; i < op.inputLength(); i++) {
                // Some rows copy a centroid, so that two tied centroids are the nearest.
                x[s][i] = s % 4 == 0 ? op.centroids()[(i / op.v() * op.k() + 2 * (s / 4 % (op.k() / 2))) * op.v()
                        + i % op.v()] : extreme(r, input.bits());
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LutLayerSimulation layer = new LutLayerSimulation(op, input, manager);
            assertEquals(search, layer.searchType(), "search type");
            assertEquals(groupSize, layer.groupSize(), "centroids per group");
            assertEquals(sum, layer.sumType(), "table sum type");
            double[] flat = new double[rows * op.inputLength()];
            for (int s = 0; s < rows; s++) {
                for (int i = 0; i < op.inputLength(); i++) {
                    flat[s * op.inputLength() + i] = x[s][i];
                }
            }
            NDArray out = layer.accumulate(manager.create(flat, new Shape(rows, op.inputLength())).transpose());
            double[] got = out.toDoubleArray();
            for (int s = 0; s < rows; s++) {
                long[] expected = reference(op, x[s]);
                long[] actual = new long[op.units()];
                for (int n = 0; n < op.units(); n++) {
                    actual[n] = (long) got[s * op.units() + n];
                }
                assertArrayEquals(expected, actual, op.metric() + " v=" + op.v() + " C=" + op.codebooks() + ", row " + s);
            }
        }
    }

    /** Nearest centroid per codebook in {@code long}s, lowest index on ties; bias plus the chosen rows. */
    private static long[] reference(LutLayerOp op, int[] x) {
        long[] acc = new long[op.units()];
        for (int n = 0; n < op.units(); n++) {
            acc[n] = op.bias()[n];
        }
        for (int c = 0; c < op.codebooks(); c++) {
            int best = 0;
            long bestDistance = Long.MAX_VALUE;
            for (int j = 0; j < op.k(); j++) {
                long d = 0;
                for (int i = 0; i < op.v(); i++) {
                    long diff = Math.abs((long) x[c * op.v() + i] - op.centroids()[(c * op.k() + j) * op.v() + i]);
                    d = switch (op.metric()) {
                        case L2 -> d + diff * diff;
                        case L1 -> d + diff;
                        case CHEBYSHEV -> Math.max(d, diff);
                    };
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = j;
                }
            }
            for (int n = 0; n < op.units(); n++) {
                acc[n] += op.table()[(c * op.k() + best) * op.units() + n];
            }
        }
        return acc;
    }
}
