package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class LutLinearTest {

    // Small integers make every product and sum exact in float32, so the layer and the oracle
    // must agree to the bit whatever order they add in, and ties really occur.
    static float[][] ints(Random r, int rows, int cols, int bound) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) {
            for (int i = 0; i < cols; i++) {
                row[i] = r.nextInt(2 * bound + 1) - bound;
            }
        }
        return a;
    }

    static float[] flat(float[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
        }
        return out;
    }

    static float[][][] centroids(Random r, int c, int k, int v) {
        float[][][] p = new float[c][][];
        for (int j = 0; j < c; j++) {
            p[j] = ints(r, k, v, 4);
        }
        return p;
    }

    static float[] flat(float[][][] p) {
        float[] out = new float[p.length * p[0].length * p[0][0].length];
        int i = 0;
        for (float[][] a : p) {
            for (float[] b : a) {
                for (float f : b) {
                    out[i++] = f;
                }
            }
        }
        return out;
    }

    private static LutLinear layer(NDManager m, int d, int n, LayerSpec spec, float[][][] p, float[][] w, float[] b) {
        LutLinear lut = LutLinear.builder().setName("fc").setUnits(n).setSpec(spec).optMode(LutMode.HARD).build();
        lut.initialize(m, DataType.FLOAT32, new Shape(1, d));
        lut.getCentroids().getArray().set(flat(p));
        lut.getWeight().getArray().set(flat(w));
        lut.getParameters().get("bias").getArray().set(b);
        return lut;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void hardForwardEqualsExplicitTableLookup(Metric metric) {
        Random r = new Random(metric.ordinal());
        int d = 14;
        int n = 5;
        // v = 4 does not divide 14: the last sub-vector is zero-padded.
        LayerSpec spec = new LayerSpec(4, 6, metric, 8, true);
        float[][] x = ints(r, 9, d, 3);
        float[][][] p = centroids(r, 4, 6, 4);
        float[][] w = ints(r, n, d, 3);
        float[] b = ints(r, 1, n, 2)[0];
        try (NDManager m = NDManager.newBaseManager()) {
            LutLinear lut = layer(m, d, n, spec, p, w, b);
            NDArray input = m.create(flat(x), new Shape(9, d));
            float[] expected = LutOracle.lookup(x, p, w, b, metric);
            NDArray y = lut.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow();
            assertEquals(new Shape(9, n), y.getShape());
            assertArrayEquals(expected, y.toFloatArray());

            lut.freezeTable(lut.computeTable());
            NDArray frozen = lut.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow();
            assertArrayEquals(expected, frozen.toFloatArray(), "the frozen table gives the same lookup");
        }
    }

    @Test
    void tiesGoToTheLowestIndex() {
        try (NDManager m = NDManager.newBaseManager()) {
            // x = 0 is equally far from the tied centroids +-1 (or +-2) in every metric.
            NDArray x = m.zeros(new Shape(3, 1, 1));
            NDArray p = m.create(new float[] {1, -1, 3, 4, -1, 1, 2, 2, -2}, new Shape(3, 3, 1));
            for (Metric metric : Metric.values()) {
                assertArrayEquals(new long[] {0, 1, 0}, LutMath.nearest(x, p, metric).toLongArray(), metric.name());
            }
        }
    }

    @Test
    void straightThroughTrainingMovesCentroidsWeightsAndTemperature() {
        Random r = new Random(1);
        try (Model model = Model.newInstance("lut")) {
            LutLinear lut = LutLinear.builder().setName("fc").setUnits(6).setSpec(LayerSpec.of(2, 4)).build();
            model.setBlock(lut);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build()))) {
                trainer.initialize(new Shape(4, 8));
                NDManager m = trainer.getManager();
                float[] p0 = lut.getCentroids().getArray().toFloatArray();
                float[] w0 = lut.getWeight().getArray().toFloatArray();
                float t0 = lut.getLogTemperature().getArray().getFloat();
                NDArray x = m.create(flat(ints(r, 16, 8, 2)), new Shape(16, 8));
                NDArray target = m.create(flat(ints(r, 16, 6, 2)), new Shape(16, 6));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray loss = trainer.getLoss().evaluate(new NDList(target), trainer.forward(new NDList(x)));
                    gc.backward(loss);
                }
                for (Parameter p : new Parameter[] {lut.getCentroids(), lut.getWeight(), lut.getLogTemperature()}) {
                    NDArray g = p.getArray().getGradient();
                    assertTrue(g.isInfinite().logicalOr(g.isNaN()).none().getBoolean(), p.getName() + " gradient is finite");
                    assertTrue(g.abs().sum().getFloat() > 0, p.getName() + " gradient is non-zero");
                }
                trainer.step();
                assertNotEquals(p0[0], lut.getCentroids().getArray().toFloatArray()[0]);
                assertTrue(!java.util.Arrays.equals(w0, lut.getWeight().getArray().toFloatArray()));
                assertNotEquals(t0, lut.getLogTemperature().getArray().getFloat());
            }
        }
    }

    @Test
    void frozenWeightsStayBitIdenticalAfterAStep() {
        try (Model model = Model.newInstance("lut")) {
            LutLinear lut = LutLinear.builder().setName("fc").setUnits(3).setSpec(LayerSpec.of(2, 4)).build();
            model.setBlock(lut);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build()))) {
                trainer.initialize(new Shape(4, 6));
                lut.getWeight().freeze(true);
                float[] w0 = lut.getWeight().getArray().toFloatArray();
                float[] p0 = lut.getCentroids().getArray().toFloatArray();
                NDManager m = trainer.getManager();
                NDArray x = m.randomNormal(new Shape(8, 6));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    gc.backward(trainer.getLoss().evaluate(new NDList(m.ones(new Shape(8, 3))), trainer.forward(new NDList(x))));
                }
                trainer.step();
                assertArrayEquals(w0, lut.getWeight().getArray().toFloatArray());
                assertTrue(!java.util.Arrays.equals(p0, lut.getCentroids().getArray().toFloatArray()), "centroids still train");
            }
        }
    }

    /**
     * Straight-through: the forward value is the hard one (up to the rounding of
     * {@code soft + (hard - soft)}), and the gradient is the soft path's, exactly, with and
     * without frozen tables.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void straightThroughIsHardForwardAndSoftBackward(Metric metric) {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(8);
            NDArray x = m.create(flat(ints(r, 10, 6, 3)), new Shape(10, 6));
            NDArray w = m.randomNormal(new Shape(4, 6));
            NDArray b = m.randomNormal(new Shape(4));
            NDArray t = m.create(new float[] {1.3f});
            // A linear loss: its gradient at the output does not depend on the forward value.
            NDArray probe = m.randomNormal(new Shape(10, 4));
            // K = 5 and 3 centroids for N = 4 outputs: frozen, the hard output is gathered when
            // N <= K and a one-hot product otherwise.
            for (int k : new int[] {5, 3}) {
                NDArray p0 = m.randomNormal(new Shape(3, k, 2));
                NDArray table = p0.matMul(w.reshape(4, 3, 2).transpose(1, 2, 0));
                for (NDArray frozen : new NDArray[] {null, table}) {
                    float[][] grads = new float[2][];
                    float[][] values = new float[2][];
                    LutMode[] modes = {LutMode.SOFT, LutMode.STRAIGHT_THROUGH};
                    for (int i = 0; i < 2; i++) {
                        NDArray p = p0.duplicate();
                        p.setRequiresGradient(true);
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                            NDArray y = LutLinear.lutLinear(x, p, w, b, t, metric, modes[i], frozen);
                            gc.backward(y.mul(probe).sum());
                        }
                        grads[i] = p.getGradient().toFloatArray();
                    }
                    for (int i = 0; i < 2; i++) {
                        LutMode mode = i == 0 ? LutMode.HARD : LutMode.STRAIGHT_THROUGH;
                        values[i] = LutLinear.lutLinear(x, p0, w, b, t, metric, mode, frozen).toFloatArray();
                    }
                    String what = metric + ", K=" + k + (frozen == null ? "" : ", frozen table");
                    double size = 0;
                    for (float g : grads[0]) {
                        size += Math.abs(g);
                    }
                    assertTrue(size > 0, what + ": a soft gradient");
                    assertArrayEquals(grads[0], grads[1], what + ": straight-through gradient is the soft one");
                    assertArrayEquals(values[0], values[1], 1e-5f, what + ": straight-through value is the hard one");
                }
            }
        }
    }

    @Test
    void softGradientMatchesCentralDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(5);
            NDArray x = m.create(flat(ints(r, 3, 4, 2)), new Shape(3, 4)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(2, 4)).toType(DataType.FLOAT64, false);
            NDArray b = m.zeros(new Shape(2), DataType.FLOAT64);
            NDArray t = m.create(new double[] {0.7});
            NDArray probe = m.randomNormal(new Shape(3, 2)).toType(DataType.FLOAT64, false);
            double[] p0 = m.randomNormal(new Shape(2, 3, 2)).toType(DataType.FLOAT64, false).toDoubleArray();
            for (Metric metric : new Metric[] {Metric.L2, Metric.L1}) {
                NDArray p = m.create(p0, new Shape(2, 3, 2));
                p.setRequiresGradient(true);
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray y = LutLinear.lutLinear(x, p, w, b, t, metric, LutMode.SOFT, null);
                    gc.backward(y.mul(probe).sum());
                }
                double[] grad = p.getGradient().toDoubleArray();
                double h = 1e-6;
                for (int i = 0; i < p0.length; i++) {
                    double[] plus = p0.clone();
                    double[] minus = p0.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double lp = LutLinear.lutLinear(x, m.create(plus, new Shape(2, 3, 2)), w, b, t, metric, LutMode.SOFT, null)
                            .mul(probe).sum().getDouble();
                    double lm = LutLinear.lutLinear(x, m.create(minus, new Shape(2, 3, 2)), w, b, t, metric, LutMode.SOFT, null)
                            .mul(probe).sum().getDouble();
                    assertEquals((lp - lm) / (2 * h), grad[i], 1e-6 * Math.max(1, Math.abs(grad[i])), metric + " centroid " + i);
                }
            }
        }
    }

    @Test
    void saveLoadGivesIdenticalOutputsIncludingAFrozenTable() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(9);
            LutLinear a = layer(m, 8, 3, new LayerSpec(2, 4, Metric.L1, 8, false), centroids(r, 4, 4, 2), ints(r, 3, 8, 3), new float[3]);
            a.freezeTable(a.computeTable().mul(2));
            a.setInputQuantization(new InputQuantization(6, 2));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.saveParameters(new DataOutputStream(bytes));
            LutLinear b = LutLinear.builder().setName("fc").setUnits(3).setSpec(new LayerSpec(2, 4, Metric.L1, 8, false))
                    .optMode(LutMode.HARD).build();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            b.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray x = m.randomNormal(new Shape(5, 8));
            ParameterStore ps = new ParameterStore(m, false);
            assertEquals(new InputQuantization(6, 2), b.getInputQuantization());
            assertArrayEquals(a.forward(ps, new NDList(x), false).head().toFloatArray(),
                    b.forward(ps, new NDList(x), false).head().toFloatArray());
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void inputQuantizationSearchesOnTheRoundedInputAndCentroids(Metric metric) {
        Random r = new Random(20 + metric.ordinal());
        int d = 12;
        int n = 4;
        int f = 2;
        LayerSpec spec = new LayerSpec(3, 5, metric, 8, false);
        float[][] x = new float[7][d];
        float[][] rounded = new float[7][d];
        for (int i = 0; i < x.length; i++) {
            for (int u = 0; u < d; u++) {
                x[i][u] = (float) r.nextGaussian() * 2;
                rounded[i][u] = (float) Math.scalb(Math.floor(Math.scalb((double) x[i][u], f) + 0.5), -f);
            }
        }
        float[][][] p = centroids(r, 4, 5, 3);
        for (float[][] codebook : p) {
            for (float[] c : codebook) {
                for (int u = 0; u < c.length; u++) {
                    c[u] += (float) r.nextGaussian() * 0.2f;
                }
            }
        }
        float[][][] pRounded = new float[4][5][3];
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < 5; k++) {
                for (int u = 0; u < 3; u++) {
                    pRounded[j][k][u] = (float) Math.scalb(Math.floor(Math.scalb((double) p[j][k][u], f) + 0.5), -f);
                }
            }
        }
        float[][] w = ints(r, n, d, 3);
        float[] b = ints(r, 1, n, 2)[0];
        try (NDManager m = NDManager.newBaseManager()) {
            LutLinear lut = layer(m, d, n, spec, p, w, b);
            lut.setInputQuantization(new InputQuantization(8, f));
            NDArray input = m.create(flat(x), new Shape(7, d));
            float[] y = lut.forward(new ParameterStore(m, false), new NDList(input), false).head().toFloatArray();
            assertArrayEquals(LutOracle.lookup(rounded, pRounded, w, b, metric), y, 1e-4f);
            assertArrayEquals(flat(p), lut.getCentroids().getArray().toFloatArray(),
                    "the parameter keeps its float value; only the search rounds it");
        }
    }

    @Test
    void badSpecsNameTheLayer() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LayerSpec(0, 16, Metric.L2, 8, false))
                .getMessage().contains("v must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LayerSpec(4, 1, Metric.L2, 8, false))
                .getMessage().contains("K must be at least 2"));
        assertEquals("unknown metric 'cosine', expected l2, l1 or chebyshev",
                assertThrows(IllegalArgumentException.class, () -> Metric.parse("cosine")).getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            LutLinear lut = LutLinear.builder().setName("encoder1.mlp_fc1").setUnits(4).setSpec(LayerSpec.of(4, 16)).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lut.initialize(m, DataType.FLOAT32, new Shape(1, 30)));
            assertEquals("layer encoder1.mlp_fc1: v=4 does not divide its input length 30; valid v: [1, 2, 3, 5, 6,"
                    + " 10, 15, 30], or set pad: true", e.getMessage());
        }
    }

    @Test
    void fromDenseKeepsTheDenseOutputWhenCentroidsAreExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear dense = Linear.builder().setUnits(3).build();
            dense.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            LutLinear lut = LutLinear.fromDense(m, dense, "fc", LayerSpec.of(2, 2));
            lut.setMode(LutMode.HARD);
            // Centroids equal to the two sub-vectors of x: quantization is lossless for x.
            lut.getCentroids().getArray().set(new float[] {1, 2, 0, 0, 3, 4, 0, 0});
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
            ParameterStore ps = new ParameterStore(m, false);
            assertArrayEquals(dense.forward(ps, new NDList(x), false).head().toFloatArray(),
                    lut.forward(ps, new NDList(x), false).head().toFloatArray(), 1e-6f);
        }
    }
}
