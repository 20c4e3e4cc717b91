package ai.lutboost.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.InputQuantization;
import ai.lutboost.layer.LayerNames;
import ai.lutboost.recipe.ModelSection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelZooTest {

    private static long parameters(Block block) {
        return ModelZoo.trainableParameters(block);
    }

    private static Shape forward(Block block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 28, 28));
        NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), false);
        return out.singletonOrThrow().getShape();
    }

    @Test
    void leNet5HasItsClassicShapeAndNames() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = LeNet5.build(10);
            assertEquals(new Shape(2, 10), forward(net, manager));
            // conv1 156 + conv2 2,416 + fc1 48,120 + fc2 10,164 + fc3 850
            assertEquals(61_706, parameters(net));
            Map<String, Block> layers = LayerNames.all(net);
            assertTrue(layers.get("conv2") instanceof Conv2d);
            assertTrue(layers.get("fc3") instanceof Linear);
            assertEquals(List.of("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1",
                    "relu3", "fc2", "relu4", "fc3"), List.copyOf(layers.keySet()));
        }
    }

    @Test
    void aResidualBlockKeepsItsAddRoundingThroughACheckpointAndAddsOnTheGrid() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResidualBlock block = new ResidualBlock(4, 1, false);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 4, 4));
            AddRounding rounding = new AddRounding(
                    new InputQuantization(8, 5), new InputQuantization(8, 6), new InputQuantization(8, 4));
            block.setAddRounding(rounding);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            ResidualBlock loaded = new ResidualBlock(4, 1, false);
            loaded.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 4, 4));
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(rounding, loaded.getAddRounding());

            // Left operand at 2^-4, right at 2^-2, sum at 2^-3 (at most 15.875). 1.03 -> 1.0 and
            // 0.3 -> 0.25. 1.0625 is 8.5 steps of the sum: half up to 1.125. 7 + 10 saturates.
            // -1.0625 is -8.5 steps: half up to -1.0.
            AddRounding narrow = new AddRounding(
                    new InputQuantization(8, 4), new InputQuantization(8, 2), new InputQuantization(8, 3));
            NDArray a = manager.create(new float[] {1.03f, 1.0625f, 7f, -1.0625f});
            NDArray b = manager.create(new float[] {0.3f, 0.5f, 10f, 0f});
            assertEquals(List.of(1.25f, 1.625f, 15.875f, -1.0f),
                    toList(narrow.add(a, b, false).toFloatArray()));
        }
    }

    private static List<Float> toList(float[] values) {
        List<Float> out = new java.util.ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    @Test
    void residualCnnHalvesResolutionPerStageAndNamesBlocks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = ResidualCnn.build(10, List.of(8, 16), 2);
            assertEquals(new Shape(2, 10), forward(net, manager));
            Map<String, Block> layers = LayerNames.all(net);
            assertTrue(layers.get("stage2.block1.shortcut_conv") instanceof Conv2d);
            assertTrue(!layers.containsKey("stage1.block1.shortcut_conv"), "same width, stride 1: identity");
            assertTrue(layers.get("stage2.block2.conv2") instanceof Conv2d);
            // stem 72 + bn 16 (gamma, beta) + stage1 2 blocks x (2 convs 576 + 2 bns 32)
            // + stage2 block1 (1,152 + 2,304 + 64 + shortcut 128 + 32) + block2 (2 x 2,304 + 64)
            // + fc 170; batch-norm running statistics are not trainable.
            long expected = 72 + 16 + 2 * (2 * 576 + 32) + (1152 + 2304 + 64 + 128 + 32) + (2 * 2304 + 64) + 170;
            assertEquals(expected, parameters(net));
        }
    }

    @Test
    void vitTinyProducesLogitsAndNamesItsProjections() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelSection m = new ModelSection("vit-tiny", List.of(), 1, 7, 16, 2, 4, 32, "cls");
            Block net = ModelZoo.build(m, Datasets.FASHION_MNIST);
            assertEquals(new Shape(2, 10), forward(net, manager));
            Map<String, Block> layers = LayerNames.all(net);
            for (String name : List.of("patch_embed", "encoder1.attn.query", "encoder1.attn.key",
                    "encoder1.attn.value", "encoder2.attn.proj", "encoder2.mlp_fc1", "encoder2.mlp_fc2", "head")) {
                assertTrue(layers.containsKey(name), name + " in " + layers.keySet());
            }
            int d = 16;
            long perEncoder = 2 * 2 * d + 4 * (d * d + d) + (d * 32 + 32) + (32 * d + d);
            long expected = (49 * d + d) + 2 * perEncoder + 2 * d + (d * 10 + 10) + d + 17 * d;
            assertEquals(expected, parameters(net));
        }
    }

    @Test
    void everyZooModelRoundTripsThroughSaveAndLoad() throws Exception {
        ModelSection vit = new ModelSection("vit-tiny", List.of(), 1, 7, 16, 2, 4, 32, "mean");
        ModelSection resnet = new ModelSection("resnet", List.of(8, 16), 1, 4, 64, 4, 4, 128, "cls");
        ModelSection lenet = new ModelSection("lenet5", List.of(), 1, 4, 64, 4, 4, 128, "cls");
        for (ModelSection m : List.of(vit, resnet, lenet)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block a = ModelZoo.build(m, Datasets.FASHION_MNIST);
                Shape in = new Shape(2, 1, 28, 28);
                a.initialize(manager, DataType.FLOAT32, in);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                a.saveParameters(new java.io.DataOutputStream(bytes));
                Block b = ModelZoo.build(m, Datasets.FASHION_MNIST);
                b.initialize(manager, DataType.FLOAT32, in);
                b.loadParameters(manager, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
                NDArray x = manager.randomNormal(in);
                ParameterStore ps = new ParameterStore(manager, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        a.forward(ps, new NDList(x), false).head().toFloatArray(),
                        b.forward(ps, new NDList(x), false).head().toFloatArray(), m.arch());
            }
        }
    }
}
