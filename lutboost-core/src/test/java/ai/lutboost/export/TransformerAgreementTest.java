package ai.lutboost.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.lutboost.engine.BundleSchema.OpType;
import ai.lutboost.engine.LayerSummary;
import ai.lutboost.engine.LutModel;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.layer.LutMode;
import ai.lutboost.layer.Metric;
import ai.lutboost.model.VisionTransformer;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerModelBuilder;
import ai.lutboost.quant.IntegerSimulation;
import ai.lutboost.quant.TableQuantizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small vision transformer as an integer model: its ops, its closeness to the float model, and
 * agreement of the DJL simulation with the Java engine on every tensor of every sample.
 */
class TransformerAgreementTest {

    private static final IntegerModel.Provenance PROVENANCE = new IntegerModel.Provenance("t", "", "0".repeat(64),
            0, "fashion-mnist", new float[] {0}, new float[] {1}, List.of("a", "b", "c"));
    private static final int[] INPUT = {1, 8, 8};

    @TempDir Path dir;

    /** Encoder blocks on 8x8 images: 4 patch tokens and a class token of width 16, 2 heads. */
    private static VisionTransformer vit(NDManager m, long seed, int depth) {
        Engine.getInstance().setRandomSeed((int) seed);
        VisionTransformer vit = new VisionTransformer(
                new VisionTransformer.Config(3, 8, 4, 16, depth, 2, 32, VisionTransformer.Pooling.CLS));
        vit.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        Random r = new Random(seed);
        // Default norms are the identity affine; random ones test gamma and beta.
        for (Block b : norms(vit)) {
            b.getParameters().get("gamma").getArray().set(values(r, 16, 0.5, 1.0));
            b.getParameters().get("beta").getArray().set(values(r, 16, -0.3, 0.6));
        }
        vit.getClassToken().getArray().set(values(r, 16, -0.5, 1.0));
        vit.getPositionEmbedding().getArray().set(values(r, 5 * 16, -0.5, 1.0));
        return vit;
    }

    private static List<Block> norms(Block root) {
        List<Block> out = new ArrayList<>();
        for (var c : root.getChildren()) {
            if (c.getValue() instanceof LayerNorm) {
                out.add(c.getValue());
            }
            out.addAll(norms(c.getValue()));
        }
        return out;
    }

    private static float[] values(Random r, int n, double low, double width) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (low + width * r.nextDouble());
        }
        return x;
    }

    @Test
    void denseTransformerIntegerModelFollowsTheFloatModel() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionTransformer vit = vit(m, 7, 1);
            IntegerModel model = IntegerModelBuilder.build(vit, INPUT, m.randomNormal(new Shape(256, 1, 8, 8)), 64,
                    PROVENANCE);
            assertEquals(List.of("conv2d", "tokens", "layer_norm", "linear", "linear", "linear", "attention", "linear",
                    "add", "layer_norm", "linear", "gelu", "linear", "add", "layer_norm", "select_token", "linear"),
                    model.ops().stream().map(o -> o.kind().manifestName()).toList());
            assertEquals(List.of(5, 16), List.of(model.tensor("tokens").shape()[0], model.tensor("tokens").shape()[1]));
            assertEquals(8, model.tensor("encoder1.attn.query").format().bits(), "attention operands are int8");
            assertEquals(16, model.tensor("encoder1.add1").format().bits(), "the residual stream is wide");

            NDArray x = m.randomNormal(new Shape(64, 1, 8, 8));
            float[] expected = vit.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            double[] logits;
            try (IntegerSimulation sim = new IntegerSimulation(model, m)) {
                logits = sim.run(sim.quantizeInput(x)).get(model.output()).toDoubleArray();
            }
            int f = model.tensor(model.output()).format().fractionBits();
            double err = 0;
            double spread = 0;
            double mean = 0;
            for (float e : expected) {
                mean += e / expected.length;
            }
            for (int i = 0; i < expected.length; i++) {
                err += Math.abs(Math.scalb(logits[i], -f) - expected[i]);
                spread += Math.abs(expected[i] - mean);
            }
            // The softmax's 8-bit probabilities (step 2^-8 on 5 tokens), int8 weights and
            // queries, keys and values, and GELU's polynomial each move a logit by a few percent of
            // its spread; a misplaced token, head or shift moves it by about the spread itself.
            assertTrue(err / spread < 0.1, "mean logit error relative to the logits' spread: " + err / spread);
        }
    }

    @Test
    void lutTransformerSimulationAndEngineAgreeOnEveryTensor() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionTransformer vit = vit(m, 11, 2);
            Map<String, Block> converted = LutConverter.withDefaults().convert(m, vit,
                    (name, layer) -> name.startsWith("encoder") ? new LayerSpec(4, 16, Metric.L2, 8, false) : null);
            assertEquals(12, converted.size(), converted.keySet().toString());
            Random r = new Random(5);
            for (Block b : converted.values()) {
                AbstractLutBlock lut = (AbstractLutBlock) b;
                lut.getCentroids().getArray().set(values(r, lut.getCodebooks() * 16 * 4, -1.5, 3.0));
                int units = (int) lut.getUnits();
                var q = TableQuantizer.quantize(lut.computeTable().toFloatArray(), units, 8);
                lut.freezeTable(m.create(q.dequantized(), new Shape(lut.getCodebooks(), 16, units)), q.fractionBits());
                lut.setMode(LutMode.HARD);
            }
            IntegerModel model = IntegerModelBuilder.build(vit, INPUT, m.randomNormal(new Shape(256, 1, 8, 8)), 64,
                    PROVENANCE);
            assertEquals(12, model.ops().stream().filter(o -> o.kind() == OpType.LUT_LINEAR).count());
            assertAgree(model, 200, m);
        }
    }

    @Test
    void denseTransformerSimulationAndEngineAgreeOnEveryTensor() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            IntegerModel model = IntegerModelBuilder.build(vit(m, 13, 2), INPUT,
                    m.randomNormal(new Shape(256, 1, 8, 8)), 64, PROVENANCE);
            assertEquals(12, model.ops().stream().filter(o -> o.kind() == OpType.LINEAR).count() - 1,
                    "every projection and MLP layer dense, besides the head");
            assertAgree(model, 100, m);
        }
    }

    private void assertAgree(IntegerModel model, int samples, NDManager m) throws IOException {
        int size = 64;
        Random r = new Random(9);
        int[][] inputs = new int[samples][size];
        int limit = 1 << (model.tensor(model.input()).format().bits() - 1);
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < size; i++) {
                inputs[s][i] = (int) Math.max(-limit, Math.min(limit - 1, r.nextGaussian() * limit / 3));
            }
        }
        try (IntegerSimulation sim = new IntegerSimulation(model, m)) {
            Map<String, NDArray> tensors = sim.run(SimulatedRows.batch(m, inputs, new Shape(samples, 1, 8, 8)));
            long[][] logits = SimulatedRows.rows(tensors.get(model.output()), samples);
            Path bundle = TableBundleWriter.write(model, SyntheticBundles.golden(inputs, logits), dir.resolve("vit"));
            LutModel engine = LutModel.load(bundle);
            float[] pixels = new float[samples * size];
            int f = model.tensor(model.input()).format().fractionBits();
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = Math.scalb((float) inputs[i / size][i % size], -f);
            }
            long[] simulated = sim.logits(m.create(pixels, new Shape(samples, 1, 8, 8)));
            for (int s = 0; s < samples; s++) {
                int[] predicted = engine.predict(inputs[s]);
                for (int c = 0; c < 3; c++) {
                    assertEquals(logits[s][c], predicted[c], "sample " + s + ", logit " + c);
                    assertEquals(logits[s][c], simulated[s * 3 + c], "sample " + s + ", logit " + c);
                }
            }
            // Predictions skip the rows of the last block that no logit reads; traces compute all.
            assertEquals(List.of("encoder2.attn.query", "encoder2.attn", "encoder2.attn.proj", "encoder2.add1",
                    "encoder2.ln2", "encoder2.mlp_fc1", "encoder2.gelu", "encoder2.mlp_fc2", "encoder2.add2", "norm"),
                    engine.layers().stream().filter(l -> l.detail().endsWith("; token 0 alone"))
                            .map(LayerSummary::name).toList());
            int distinct = 0;
            String previous = "";
            for (int s = 0; s < samples; s++) {
                Map<String, int[]> trace = engine.trace(inputs[s]);
                assertEquals(model.tensors().size(), trace.size());
                for (Map.Entry<String, int[]> e : trace.entrySet()) {
                    int[] expected = SimulatedRows.row(tensors.get(e.getKey()), samples, s);
                    assertArrayEquals(expected, e.getValue(), "sample " + s + ", tensor " + e.getKey());
                }
                String now = java.util.Arrays.toString(engine.predict(inputs[s]));
                distinct += now.equals(previous) ? 0 : 1;
                previous = now;
            }
            assertTrue(distinct > samples / 2, "logits vary between samples: " + distinct);
        }
    }
}
