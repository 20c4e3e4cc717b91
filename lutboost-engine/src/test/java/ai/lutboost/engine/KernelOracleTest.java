package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.engine.ScalarReference.Geometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked LUT and dense kernels (the vector loops when the test JVM has
 * {@code jdk.incubator.vector}, the plain-Java ones in the build's run without it) against
 * {@link ScalarReference} on random layers whose values
 * sit at the limits of every bound the kernels rely on: the {@code int} search keys, the packed
 * table's lanes and groups, the 32-bit accumulator, with ties between centroids, partial
 * codebooks, every conv geometry option and partial blocks of samples.
 */
class KernelOracleTest {

    private static final int[] METRICS = {LutLayer.L2, LutLayer.L1, LutLayer.CHEBYSHEV};

    private static final Geometry TOKENS = Geometry.linear(5, 13);
    private static final Geometry CONV = Geometry.conv(new int[] {3, 9, 7}, new int[] {3, 2}, new int[] {2, 1},
            new int[] {2, 1}, new int[] {2, 3});
    private static final Geometry CONV_WIDE = Geometry.conv(new int[] {2, 9, 20}, new int[] {3, 3},
            new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
    private static final Geometry CONV_UNPADDED = Geometry.conv(new int[] {2, 6, 6}, new int[] {3, 3},
            new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});

    @Test
    void intKeysUpToTheirBoundAndLongSearchBeyond() {
        // 12-bit inputs, K = 16: 3 v 2^22 2^4 < 2^31 holds for v = 10 and fails for v = 11.
        assertTrue((LutLayer.keyBound(LutLayer.L2, 10, 12) + 1 << 4) <= Integer.MAX_VALUE);
        assertFalse((LutLayer.keyBound(LutLayer.L2, 11, 12) + 1 << 4) <= Integer.MAX_VALUE);
        Random r = new Random(1);
        for (int metric : METRICS) {
            for (int v : new int[] {10, 11}) {
                check(r, "12-bit inputs, v=" + v, metric, Geometry.linear(3, 2 * v + 3), 12, 8, v, 16, 4, 7);
            }
            // 3 * 8 * 2^22 * 2^4 < 2^31: the unrolled searches' keys near the top of the int range.
            check(r, "12-bit inputs, v=8", metric, Geometry.linear(3, 19), 12, 8, 8, 16, 4, 7);
            check(r, "12-bit inputs, v=4", metric, Geometry.linear(3, 9), 12, 8, 4, 16, 4, 7);
            check(r, "16-bit inputs", metric, TOKENS, 16, 8, 4, 16, 5, 3);
            check(r, "16-bit inputs, K=4096", metric, Geometry.linear(2, 8), 16, 4, 2, 4096, 3, 2);
        }
    }

    @Test
    void theLargestKeyOfEachMetricRanksLast() {
        // Inputs at the top of the range, centroid 0 at the bottom: the farthest centroid, whose
        // key is each metric's bound, must not wrap around into the nearest.
        for (int metric : METRICS) {
            for (int v : new int[] {10, 11}) {
                int k = 16;
                int[] centroids = values(new Random(6), k * v, 12);
                java.util.Arrays.fill(centroids, 0, v, -2048);
                int[] table = new int[k];
                for (int c = 0; c < k; c++) {
                    table[c] = c;
                }
                LutLayer layer = new LutLayer("far", 0, 1, null, v, v, 1, k, v, 1, metric, 12, centroids, 8, table,
                        new int[] {0}, new int[] {0}, 8, false);
                int[] x = new int[v];
                java.util.Arrays.fill(x, 2047);
                int[] expected = ScalarReference.lut(Geometry.linear(1, v), x, 1, 1, k, v, 1, metric, centroids,
                        table, new int[] {0}, new int[] {0}, 8, false);
                assertArrayEquals(expected, run(layer, x, 1, 1, 1), "metric " + metric + ", v=" + v);
            }
        }
    }

    @Test
    void packedTablesAtEveryWidthAndAcrossGroups() {
        Random r = new Random(2);
        for (int metric : METRICS) {
            // 8-bit entries go 257 rows to a 16-bit lane; 300 codebooks need two groups.
            check(r, "300 codebooks", metric, Geometry.linear(1, 600), 8, 8, 2, 16, 7, 9);
            check(r, "9-bit table", metric, TOKENS, 8, 9, 4, 16, 13, 3);
            check(r, "16-bit table", metric, TOKENS, 8, 16, 3, 32, 5, 2);
            check(r, "2-bit table", metric, TOKENS, 8, 2, 4, 2, 1, 4);
        }
    }

    @Test
    void convolutionsReadTheirPatchesInPlace() {
        Random r = new Random(3);
        for (int metric : METRICS) {
            check(r, "padded strided dilated conv", metric, CONV, 8, 8, 4, 16, 6, 3);
            check(r, "conv without padding", metric, CONV_UNPADDED, 8, 8, 5, 64, 4, 9);
            check(r, "padded conv of 180 positions", metric, CONV_WIDE, 8, 8, 6, 64, 20, 2);
            check(r, "conv, 16-bit inputs", metric, CONV, 16, 8, 3, 8, 3, 2);
        }
    }

    @Test
    void denseLayersAtTheAccumulatorBound() {
        Random r = new Random(4);
        for (Geometry g : new Geometry[] {TOKENS, CONV, CONV_WIDE, CONV_UNPADDED, Geometry.linear(1, 300)}) {
            for (int[] bits : new int[][] {{8, 8}, {16, 8}, {4, 16}}) {
                int d = g.length();
                int units = 1 + r.nextInt(7);
                int samples = 1 + r.nextInt(9);
                int[] weights = values(r, units * d, bits[1]);
                long largest = (long) d << (bits[0] - 1 + bits[1] - 1);
                int[] bias = biasAtLimit(r, units, largest);
                int outBits = 2 + r.nextInt(15);
                int[] shift = shifts(r, units, largest, outBits);
                boolean relu = r.nextBoolean();
                int[] x = values(r, samples * g.inputSize(), bits[0]);
                DenseLayer layer = new DenseLayer("dense", 0, 1, g.patches(), d, g.inputSize(), units, weights, bias,
                        shift, outBits, relu);
                int[] expected = ScalarReference.dense(g, x, samples, units, weights, bias, shift, outBits, relu);
                assertArrayEquals(expected, run(layer, x, samples, 9, expected.length / samples),
                        "dense " + g + " bits " + bits[0] + "/" + bits[1]);
            }
        }
    }

    @Test
    void packedLanesFullToTheLastBit() {
        // 257 entries of 127 stored as 255 sum to 65,535, a full 16-bit lane; 514 codebooks take two full groups.
        for (int entry : new int[] {127, -128}) {
            for (int metric : METRICS) {
                check(new Random(5), "514 codebooks of " + entry, metric, Geometry.linear(2, 514), 8, 8, 1, 2, 6, 3,
                        entry);
            }
        }
    }

    @Test
    void wideRowsAcrossVectorsPassesAndBlocks() {
        // Columns over several vectors of packed words, with and without a pair of vectors and a
        // single one left; more codebooks than a pass; more rows than a block, in no multiple of 16.
        Random r = new Random(7);
        for (int metric : METRICS) {
            check(r, "70 columns, 150 codebooks", metric, Geometry.linear(37, 300), 8, 8, 2, 16, 70, 9);
            check(r, "130 columns, 9-bit table", metric, Geometry.linear(3, 64), 8, 9, 4, 32, 130, 5);
            check(r, "33 columns, 16-bit inputs", metric, Geometry.linear(2, 48), 16, 8, 4, 16, 33, 3);
            check(r, "v=8, K=256", metric, Geometry.linear(19, 64), 8, 8, 8, 256, 20, 3);
            check(r, "v=7, 16-bit inputs", metric, Geometry.linear(3, 30), 16, 8, 7, 16, 9, 4);
            check(r, "v=3", metric, Geometry.linear(17, 31), 8, 8, 3, 8, 5, 2);
        }
        for (int entry : new int[] {127, -128}) {
            check(new Random(8), "130 columns of 514 codebooks of " + entry, LutLayer.L2, Geometry.linear(20, 514), 8,
                    8, 1, 2, 130, 3, entry);
        }
    }

    private static void check(Random r, String what, int metric, Geometry g, int inputBits, int tableBits, int v,
            int k, int units, int samples) {
        check(r, what, metric, g, inputBits, tableBits, v, k, units, samples, null);
    }

    private static void check(Random r, String what, int metric, Geometry g, int inputBits, int tableBits, int v,
            int k, int units, int samples, Integer everyEntry) {
        int d = g.length();
        int codebooks = (d + v - 1) / v;
        int[] centroids = values(r, codebooks * k * v, inputBits);
        // Copies of other centroids tie at every input: the lower index must win.
        for (int i = 0; i < codebooks * k / 4; i++) {
            int from = r.nextInt(codebooks * k);
            int to = r.nextInt(codebooks * k);
            System.arraycopy(centroids, from * v, centroids, to * v, v);
        }
        int[] table = values(r, codebooks * k * units, tableBits);
        if (everyEntry != null) {
            java.util.Arrays.fill(table, everyEntry);
        }
        long largest = (long) codebooks << (tableBits - 1);
        int[] bias = biasAtLimit(r, units, largest);
        int outBits = 8 + r.nextInt(9);
        int[] shift = shifts(r, units, largest, outBits);
        boolean relu = r.nextBoolean();
        int[] x = values(r, samples * g.inputSize(), inputBits);
        LutLayer layer = new LutLayer("lut", 0, 1, g.patches(), d, g.inputSize(), codebooks, k, v, units, metric,
                inputBits, centroids, tableBits, table, bias, shift, outBits, relu);
        int[] expected = ScalarReference.lut(g, x, samples, codebooks, k, v, units, metric, centroids, table, bias,
                shift, outBits, relu);
        int[] actual = run(layer, x, samples, samples + 2, expected.length / samples);
        assertArrayEquals(expected, actual, what + ", metric " + metric);
    }

    private static int[] run(RowLayer layer, int[] x, int samples, int capacity, int outSize) {
        int[][] tensors = {java.util.Arrays.copyOf(x, capacity * layer.inputSize), new int[capacity * outSize]};
        layer.kernel(capacity).run(tensors, samples);
        return java.util.Arrays.copyOf(tensors[1], samples * outSize);
    }

    /** Mostly the extremes of the signed range, -1, 0 and 1, so that distances tie and sums reach their bounds. */
    private static int[] values(Random r, int n, int bits) {
        int min = -(1 << (bits - 1));
        int max = (1 << (bits - 1)) - 1;
        int[] choices = {min, min + 1, -1, 0, 1, max - 1, max};
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(3) == 0 ? min + r.nextInt(max - min + 1) : choices[r.nextInt(choices.length)];
        }
        return out;
    }

    /**
     * Units 0 and 1 with {@code |bias| + largest = 2^31 - 1}, the most the loader accepts, the
     * rest with biases no larger than the sums, so that most outputs do not saturate.
     */
    private static int[] biasAtLimit(Random r, int units, long largest) {
        int[] bias = new int[units];
        for (int n = 0; n < units; n++) {
            long limit = Integer.MAX_VALUE - largest;
            bias[n] = (int) (n == 0 ? limit : n == 1 ? -limit : r.nextLong() % (largest + 1));
        }
        return bias;
    }

    /** Shifts that bring sums of up to {@code largest} into {@code outBits}, give or take a bit. */
    private static int[] shifts(Random r, int units, long largest, int outBits) {
        int[] shift = new int[units];
        int fit = 64 - Long.numberOfLeadingZeros(largest) - outBits;
        for (int n = 0; n < units; n++) {
            shift[n] = Math.max(-2, fit + r.nextInt(3) - 1);
        }
        return shift;
    }
}
