package ai.lutboost.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.core.Linear;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.export.BundleVerifier;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.layer.LutMode;
import ai.lutboost.layer.Metric;
import ai.lutboost.model.NamedSequentialBlock;
import ai.lutboost.quant.AddOp;
import ai.lutboost.quant.DatapathPlan;
import ai.lutboost.quant.IntegerModelBuilder;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.quant.LutLayerOp;
import ai.lutboost.recipe.RecipeLoader;
import ai.lutboost.stage.FreezeStage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding an op to the datapath for a block of one's own takes one registered class: a model with
 * a {@link ResidualMlp} (not in the zoo) lowers through {@link ResidualMlpLowering}, exports, and
 * the engine agrees with the simulation on every logit.
 */
class UserBlockLoweringTest {

    @TempDir Path dir;

    @Test
    void aUserBlockWithARegisteredLoweringExportsAndVerifies() throws Exception {
        DatasetDescriptor dataset = Datasets.FASHION_MNIST;
        LabeledImages images = randomImages(new Random(7), 96);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NamedSequentialBlock net = new NamedSequentialBlock()
                    .add("flatten", Blocks.batchFlattenBlock())
                    .add("fc", Linear.builder().setUnits(16).build())
                    .add("relu", Activation.reluBlock())
                    .add("mlp", new ResidualMlp(16, 32))
                    .add("out", Linear.builder().setUnits(10).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            Map<String, ai.djl.nn.Block> converted = LutConverter.withDefaults().convert(m, net,
                    (name, layer) -> name.equals("out") ? null : new LayerSpec(4, 16, Metric.L2, 8, false));
            assertEquals(List.of("fc", "mlp.fc1", "mlp.fc2"), List.copyOf(converted.keySet()),
                    "the converter reaches into the user's block");
            List<AbstractLutBlock> layers = converted.values().stream().map(b -> (AbstractLutBlock) b).toList();
            FreezeStage.freeze(net, layers, m);
            layers.forEach(l -> l.setMode(LutMode.HARD));

            LoweringException refused = assertThrows(LoweringException.class,
                    () -> FloatGraph.trace(net, new int[] {1, 28, 28}, LoweringRegistry.builtIn()));
            assertTrue(refused.getMessage().startsWith("block mlp (ResidualMlp) has no datapath op"),
                    refused.getMessage());
            assertTrue(LoweringRegistry.standard().supports(ResidualMlp.class), "the plug-in is found on the class path");

            Path bundle = dir.resolve("bundle");
            DatapathPlan plan = IntegerModelBuilder.plan(net, new int[] {1, 28, 28},
                    BundleExporter.images(m, dataset, images, 0, 64), 32, done -> { });
            BundleExporter.Result exported = BundleExporter.export(net, plan, RecipeLoader.parse("user.yaml",
                    "name: user\ndataset: {name: fashion-mnist}\nmodel: {arch: lenet5}\n", List.of()), dataset, images,
                    bundle, 16, m, null);
            assertEquals(List.copyOf(plan.formats().values()), exported.model().tensors().stream()
                    .map(IntegerTensor::format).toList(), "the bundle's formats are the plan's");
            List<String> ops = exported.model().ops().stream().map(o -> o.getClass().getSimpleName() + " " + o.name())
                    .toList();
            assertTrue(ops.contains("LutLayerOp mlp.fc1") && ops.contains("LutLayerOp mlp.fc2")
                    && ops.contains("AddOp mlp.add"), ops.toString());
            AddOp add = exported.model().ops().stream().filter(o -> o instanceof AddOp).map(o -> (AddOp) o)
                    .findFirst().orElseThrow();
            assertEquals(List.of("fc", "mlp.fc2"), List.of(add.left(), add.right()),
                    "the shortcut reads the block's input, fc's output with its ReLU fused");
            assertEquals(List.of(true, true, false), exported.model().ops().stream().filter(o -> o instanceof LutLayerOp)
                    .map(o -> ((LutLayerOp) o).relu()).toList(), "ReLUs fused into fc and, by the lowering, mlp.fc1");

            BundleVerifier.Result verified = BundleVerifier.verify(LutModel.load(bundle), bundle, dataset, images, 96, 1,
                    m, null);
            assertEquals(96, verified.samples());
            assertEquals(96, verified.identical(), "engine against simulation: " + verified.firstMismatch());
            assertEquals(16, verified.goldenSamples());
            assertEquals(16, verified.goldenIdentical());
        }
    }

    private static LabeledImages randomImages(Random r, int count) {
        byte[] pixels = new byte[count * 28 * 28];
        r.nextBytes(pixels);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = r.nextInt(10);
        }
        return new LabeledImages(pixels, labels, 1, 28, 28);
    }
}
