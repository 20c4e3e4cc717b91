package ai.lutboost.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.engine.LutModel;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerSimulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DJL integer simulation and the Java engine, written apart, compute the same integers for
 * every tensor of every sample, on random models that use every op and reach saturation.
 */
class SimulationEngineAgreementTest {

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyTensorOfEverySampleAgrees(Metric metric) throws IOException {
        IntegerModel model = SyntheticBundles.model(metric.ordinal() + 21, metric);
        int samples = 400;
        int[][] inputs = SyntheticBundles.inputs(metric.ordinal() + 5, samples, 72);
        try (NDManager manager = NDManager.newBaseManager(); IntegerSimulation sim = new IntegerSimulation(model, manager)) {
            Map<String, NDArray> tensors = sim.run(SimulatedRows.batch(manager, inputs, new Shape(samples, 2, 6, 6)));
            long[][] logits = SimulatedRows.rows(tensors.get("logits"), samples);
            Path bundle = TableBundleWriter.write(model, SyntheticBundles.golden(inputs, logits), dir.resolve("b.lutb"));
            LutModel engine = LutModel.load(bundle);
            Set<String> distinct = new HashSet<>();
            Set<String> distinctConv = new HashSet<>();
            Set<Long> saturated = new HashSet<>();
            for (int s = 0; s < samples; s++) {
                Map<String, int[]> trace = engine.trace(inputs[s]);
                for (Map.Entry<String, int[]> e : trace.entrySet()) {
                    int[] expected = SimulatedRows.row(tensors.get(e.getKey()), samples, s);
                    for (int value : expected) {
                        if (Math.abs(value) >= 127 && !e.getKey().equals("input")) {
                            saturated.add((long) value);
                        }
                    }
                    assertArrayEquals(expected, e.getValue(), "sample " + s + ", tensor " + e.getKey());
                }
                distinct.add(java.util.Arrays.toString(engine.predict(inputs[s])));
                distinctConv.add(java.util.Arrays.toString(trace.get("lutconv")));
            }
            int[][] expected = new int[samples - 3][3];
            for (int s = 0; s < samples - 3; s++) {
                for (int c = 0; c < 3; c++) {
                    expected[s][c] = (int) logits[s][c];
                }
            }
            // 397 samples: whole blocks of samples and a partial one, on any number of threads.
            int[][] some = java.util.Arrays.copyOf(inputs, samples - 3);
            for (int threads : new int[] {1, 2, 8}) {
                assertArrayEquals(expected, engine.predict(some, threads), threads + " threads");
            }
            assertTrue(distinctConv.size() == samples, "LUT conv outputs differ between samples");
            // Global pooling averages the random features towards one level, so the logits take few values.
            assertTrue(distinct.size() >= 2, "logits vary between samples: " + distinct.size() + " distinct");
            assertTrue(saturated.contains(127L), "some activations saturate, so saturation is compared too");
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void lutConvsOfUnevenGeometryAgree(Metric metric) throws IOException {
        IntegerModel model = SyntheticBundles.convModel(metric.ordinal() + 41, metric);
        int samples = 64;
        int size = 3 * 9 * 8;
        int[][] inputs = SyntheticBundles.inputs(metric.ordinal() + 9, samples, size);
        try (NDManager manager = NDManager.newBaseManager(); IntegerSimulation sim = new IntegerSimulation(model, manager)) {
            Map<String, NDArray> tensors = sim.run(SimulatedRows.batch(manager, inputs, new Shape(samples, 3, 9, 8)));
            long[][] logits = SimulatedRows.rows(tensors.get("logits"), samples);
            LutModel engine = LutModel.load(
                    TableBundleWriter.write(model, SyntheticBundles.golden(inputs, logits), dir.resolve("c.lutb")));
            Set<String> distinct = new HashSet<>();
            for (int s = 0; s < samples; s++) {
                for (Map.Entry<String, int[]> e : engine.trace(inputs[s]).entrySet()) {
                    int[] expected = SimulatedRows.row(tensors.get(e.getKey()), samples, s);
                    assertArrayEquals(expected, e.getValue(), "sample " + s + ", tensor " + e.getKey());
                    distinct.add(e.getKey() + java.util.Arrays.toString(expected));
                }
            }
            // Most samples reach the second conv with outputs of their own, so its search is compared
            // on varied inputs, not on one winning centroid.
            long second = distinct.stream().filter(x -> x.startsWith("conv2")).count();
            assertTrue(second >= samples / 2, "distinct conv2 outputs: " + second);
        }
    }

    private static float[] fill(float v) {
        float[] x = new float[72];
        java.util.Arrays.fill(x, v);
        return x;
    }

    @Test
    void bothSidesQuantizeFloatInputsAlike() throws IOException {
        IntegerModel model = SyntheticBundles.model(3, Metric.L2);
        Path bundle = TableBundleWriter.write(model, SyntheticBundles.golden(new int[0][], new long[0][]),
                dir.resolve("q"));
        LutModel engine = LutModel.load(bundle);
        Random r = new Random(4);
        float[] x = new float[72];
        for (int i = 0; i < x.length; i++) {
            // Ties (k + 1/2) / 16, values beyond the range, and plain ones.
            x[i] = switch (i % 3) {
                case 0 -> (r.nextInt(400) - 200 + 0.5f) / 16f;
                case 1 -> (r.nextFloat() - 0.5f) * 40f;
                default -> (r.nextFloat() - 0.5f) * 4f;
            };
        }
        try (NDManager manager = NDManager.newBaseManager(); IntegerSimulation sim = new IntegerSimulation(model, manager)) {
            double[] q = sim.quantizeInput(manager.create(x, new Shape(1, 72))).toDoubleArray();
            int[] e = engine.quantize(x);
            for (int i = 0; i < x.length; i++) {
                assertEquals((long) q[i], e[i], "element " + i + " = " + x[i]);
            }
            float tie = 2.5f / 16f;
            assertEquals(3, engine.quantize(fill(tie))[0], "ties round half up");
            assertEquals(-2, engine.quantize(fill(-tie))[0], "ties round half up, also below zero");
            assertEquals(127, engine.quantize(fill(100f))[0], "saturates high");
            assertEquals(-128, engine.quantize(fill(-100f))[0], "saturates low");
        }
    }
}
