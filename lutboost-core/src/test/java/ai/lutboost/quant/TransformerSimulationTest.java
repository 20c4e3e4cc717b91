package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.engine.TransformerArithmetic;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The simulation's transformer operators, written from {@code docs/datapath.md} §10, give the
 * engine's integers on every input tried, including the ends of each range.
 */
class TransformerSimulationTest {

    private static long[] longs(NDArray a) {
        double[] d = a.toDoubleArray();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }

    private static NDArray f64(NDManager m, long[] values, Shape shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return m.create(d, shape);
    }

    @Test
    void squareRootAgreesWithTheEngineUpTo2To52() {
        Random r = new Random(1);
        long[] n = new long[20_000];
        for (int i = 0; i < n.length; i++) {
            int bits = i % 53;
            long base = i < 53 ? (1L << bits) : (r.nextLong() >>> 12) >>> r.nextInt(52);
            long k = (long) Math.sqrt((double) base);
            n[i] = switch (i % 4) {
                case 0 -> base;
                case 1 -> k * k;
                case 2 -> Math.max(0, k * k - 1);
                default -> Math.min((1L << 52) - 1, (k + 1) * (k + 1) - 1);
            };
        }
        long[] expected = new long[n.length];
        for (int i = 0; i < n.length; i++) {
            expected[i] = TransformerArithmetic.sqrt(n[i]);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(expected, longs(TransformerSimulation.sqrt(f64(m, n, new Shape(n.length)))));
        }
    }

    @Test
    void softmaxAgreesWithTheEngine() {
        Random r = new Random(2);
        int rows = 400;
        int n = 50;
        for (int f : new int[] {0, 3, 6, 12, 16}) {
            long[] q = new long[rows * n];
            for (int i = 0; i < q.length; i++) {
                int width = 1 + (i / n) % 16;
                q[i] = r.nextInt(1 << width) - (1 << (width - 1));
            }
            long[] expected = new long[q.length];
            for (int row = 0; row < rows; row++) {
                TransformerArithmetic.softmax(q, row * n, n, f, expected, row * n);
            }
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray got = TransformerSimulation.softmax(f64(m, q, new Shape(rows, n)), f);
                assertArrayEquals(expected, longs(got), "f = " + f);
            }
        }
    }

    @Test
    void geluAgreesWithTheEngineOnEverySixteenBitInput() {
        long[] q = new long[1 << 16];
        for (int i = 0; i < q.length; i++) {
            q[i] = i - (1 << 15);
        }
        for (int f : new int[] {-2, 0, 4, 8, 10, 14}) {
            for (int fOut : new int[] {f - 3, f, f + 2}) {
                long[] expected = new long[q.length];
                for (int i = 0; i < q.length; i++) {
                    expected[i] = TransformerArithmetic.gelu(q[i], f, fOut, 8);
                }
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray got = TransformerSimulation.gelu(f64(m, q, new Shape(q.length)), f, fOut, 8);
                    assertArrayEquals(expected, longs(got), "f = " + f + ", fOut = " + fOut);
                }
            }
        }
    }

    @Test
    void layerNormAgreesWithTheEngine() {
        Random r = new Random(3);
        for (int d : new int[] {1, 7, 64, 192, 4096}) {
            int rows = Math.max(4, 40_000 / d);
            int fGamma = 13;
            long[] gamma = new long[d];
            long[] beta = new long[d];
            for (int i = 0; i < d; i++) {
                gamma[i] = r.nextInt(1 << 16) - (1 << 15);
                beta[i] = (long) (r.nextGaussian() * Math.scalb(1.0, 12 + fGamma));
            }
            long[] q = new long[rows * d];
            for (int i = 0; i < q.length; i++) {
                int row = i / d;
                // Constant rows, tiny spreads and full-range rows.
                q[i] = row % 5 == 0 ? 17 : row % 5 == 1 ? r.nextInt(3) - 1 : r.nextInt(256) - 128;
            }
            for (int f : new int[] {0, 4, 7}) {
                long epsilon = Math.max(1, Math.round(1e-5 * d * d * Math.scalb(1.0, 2 * f)));
                int fOut = 4;
                long[] expected = new long[q.length];
                for (int row = 0; row < rows; row++) {
                    TransformerArithmetic.layerNorm(q, row * d, d, epsilon, gamma, fGamma, beta, fOut, 8, expected,
                            row * d);
                }
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray got = TransformerSimulation.layerNorm(f64(m, q, new Shape(rows, d)), epsilon,
                            f64(m, gamma, new Shape(d)), fGamma, f64(m, beta, new Shape(d)), fOut, 8);
                    assertArrayEquals(expected, longs(got), "d = " + d + ", f = " + f);
                }
            }
        }
    }
}
