package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hard estimator against a hand computation in Java: small integers keep the forward pass
 * exact in float32, so the nearest centroids are the oracle's, ties included.
 */
class HardStraightThroughTest {

    private static final int ROWS = 5;
    private static final int D = 6;
    private static final int V = 2;
    private static final int C = D / V;
    private static final int K = 4;
    private static final int N = 3;
    private static final double BETA = 0.25;
    private static final double CODEBOOK = 0.5;

    private static LutLinear layer(NDManager m, Metric metric, float[][][] p, float[][] w, float[] b, int reseedAfter) {
        LutLinear lut = LutLinear.builder().setName("fc").setUnits(N)
                .setSpec(new LayerSpec(V, K, metric, 8, false, Estimator.HARD)).build();
        lut.initialize(m, DataType.FLOAT32, new Shape(1, D));
        lut.getCentroids().getArray().set(LutLinearTest.flat(p));
        lut.getWeight().getArray().set(LutLinearTest.flat(w));
        lut.getBias().getArray().set(b);
        lut.setHardEstimatorSettings(new HardEstimatorSettings(BETA, CODEBOOK, reseedAfter));
        return lut;
    }

    /** The oracle's nearest centroid of each row's sub-vector of each codebook, ties to the lowest index. */
    private static int[][] nearest(float[][] x, float[][][] p, Metric metric) {
        int[][] index = new int[ROWS][C];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < C; c++) {
                double best = Double.POSITIVE_INFINITY;
                for (int k = 0; k < K; k++) {
                    double d = 0;
                    for (int i = 0; i < V; i++) {
                        double e = Math.abs(x[r][c * V + i] - p[c][k][i]);
                        d = metric == Metric.L2 ? d + e * e : metric == Metric.L1 ? d + e : Math.max(d, e);
                    }
                    if (d < best) {
                        best = d;
                        index[r][c] = k;
                    }
                }
            }
        }
        return index;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void forwardIsTheFrozenTableLookupAndGradientsAreTheHandComputedOnes(Metric metric) {
        Random random = new Random(31 + metric.ordinal());
        float[][] x = LutLinearTest.ints(random, ROWS, D, 3);
        float[][][] p = LutLinearTest.centroids(random, C, K, V);
        float[][] w = LutLinearTest.ints(random, N, D, 2);
        float[] b = {1, -2, 3};
        float[][] g = LutLinearTest.ints(random, ROWS, N, 2);
        int[][] index = nearest(x, p, metric);
        try (NDManager m = NDManager.newBaseManager()) {
            LutLinear lut = layer(m, metric, p, w, b, 0);
            NDArray input = m.create(LutLinearTest.flat(x), new Shape(ROWS, D));
            input.setRequiresGradient(true);
            List<NDArray> terms = new ArrayList<>();
            lut.setEstimatorLosses(terms);
            float[] y;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray out = lut.forward(new ParameterStore(m, false), new NDList(input), true).head();
                y = out.toFloatArray();
                assertEquals(1, terms.size(), "one codebook and commitment term per training forward");
                gc.backward(out.mul(m.create(LutLinearTest.flat(g), new Shape(ROWS, N))).sum().add(terms.get(0)));
            }

            NDArray table = lut.computeTable();
            NDArray frozen = LutLinear.lutLinear(input.stopGradient(), lut.getCentroids().getArray(),
                    lut.getWeight().getArray(), lut.getBias().getArray(), m.create(new float[] {1}), metric,
                    LutMode.HARD, table);
            assertArrayEquals(frozen.toFloatArray(), y, metric + ": hard forward = frozen-table lookup");
            float[] lookedUp = new float[ROWS * N];
            for (int r = 0; r < ROWS; r++) {
                for (int n = 0; n < N; n++) {
                    double sum = b[n];
                    for (int c = 0; c < C; c++) {
                        for (int i = 0; i < V; i++) {
                            sum += p[c][index[r][c]][i] * w[n][c * V + i];
                        }
                    }
                    lookedUp[r * N + n] = (float) sum;
                }
            }
            assertArrayEquals(lookedUp, y, metric + ": the oracle's nearest centroids");

            // Both terms are means over the C*R*v sub-vector elements.
            double scale = 2.0 / (ROWS * D);
            float[] gradX = new float[ROWS * D];
            float[] gradP = new float[C * K * V];
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < C; c++) {
                    int k = index[r][c];
                    for (int i = 0; i < V; i++) {
                        int u = c * V + i;
                        double upstream = 0;
                        for (int n = 0; n < N; n++) {
                            upstream += g[r][n] * w[n][u];
                        }
                        double error = x[r][u] - p[c][k][i];
                        gradX[r * D + u] = (float) (upstream + BETA * scale * error);
                        gradP[(c * K + k) * V + i] += (float) (upstream - CODEBOOK * scale * error);
                    }
                }
            }
            assertArrayEquals(gradX, input.getGradient().toFloatArray(), 1e-5f,
                    metric + ": input gradient = the dense layer's at x_hat plus the commitment term");
            assertArrayEquals(gradP, lut.getCentroids().getArray().getGradient().toFloatArray(), 1e-5f,
                    metric + ": centroid gradient = scatter of the upstream gradient plus the codebook term");
        }
    }

    @Test
    void aCentroidUnusedForTooLongIsReseededFromTheBatchAndTheCountersPersist() throws Exception {
        Random random = new Random(5);
        float[][] x = LutLinearTest.ints(random, ROWS, D, 3);
        float[][][] p = LutLinearTest.centroids(random, C, K, V);
        // Far from every input: never the nearest.
        p[1][2] = new float[] {1000, -1000};
        float[][] w = LutLinearTest.ints(random, N, D, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            LutLinear lut = layer(m, Metric.L2, p, w, new float[N], 2);
            NDArray input = m.create(LutLinearTest.flat(x), new Shape(ROWS, D));
            ParameterStore ps = new ParameterStore(m, false);
            lut.forward(ps, new NDList(input), true);
            assertEquals(0, lut.takeReseeded(), "idle for one step, not yet two");
            assertArrayEquals(LutLinearTest.flat(p), lut.getCentroids().getArray().toFloatArray());

            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            lut.saveParameters(new DataOutputStream(saved));
            LutLinear resumed = layer(m, Metric.L2, p, w, new float[N], 2);
            resumed.loadParameters(m, new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));

            for (LutLinear l : new LutLinear[] {lut, resumed}) {
                l.forward(ps, new NDList(input), true);
                assertTrue(l.takeReseeded() >= 1, "the second idle step re-seeds, also after a save and load");
                float[] after = l.getCentroids().getArray().toFloatArray();
                float[] seeded = {after[(K + 2) * V], after[(K + 2) * V + 1]};
                boolean fromBatch = false;
                for (float[] row : x) {
                    fromBatch |= row[V] == seeded[0] && row[V + 1] == seeded[1];
                }
                assertTrue(fromBatch, "re-seeded from a sub-vector of codebook 1 in the batch: " + seeded[0] + ", "
                        + seeded[1]);
                int[][] used = nearest(x, p, Metric.L2);
                for (int[] row : used) {
                    for (int c = 0; c < C; c++) {
                        int at = (c * K + row[c]) * V;
                        assertArrayEquals(p[c][row[c]], new float[] {after[at], after[at + 1]},
                                "a centroid the batch uses is left alone");
                    }
                }
            }
            float[] before = lut.getCentroids().getArray().toFloatArray();
            lut.forward(ps, new NDList(input), false);
            assertArrayEquals(before, lut.getCentroids().getArray().toFloatArray(), "inference re-seeds nothing");
        }
    }
}
