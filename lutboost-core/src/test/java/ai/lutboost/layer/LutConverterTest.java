package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.lutboost.model.ResidualCnn;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LutConverterTest {

    @Test
    void swapsLayersInsideSequentialAndParallelBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(Linear.builder().setUnits(8).build())
                    .add(Activation::relu)
                    .add(new ParallelBlock(
                            list -> new NDList(NDArrays.concat(new NDList(list.get(0).head(), list.get(1).head()), 1)),
                            List.of(Linear.builder().setUnits(4).build(), Linear.builder().setUnits(4).build())))
                    .add(Linear.builder().setUnits(3).build());
            net.initialize(m, DataType.FLOAT32, new Shape(2, 6));
            // Keep the classifier (the last top-level Linear) dense, as recipes do by default.
            Map<String, Block> converted = LutConverter.withDefaults().convert(m, net,
                    (name, layer) -> name.equals("04Linear") ? null : LayerSpec.of(2, 4));
            assertEquals(List.of("01Linear", "ParallelBlock.01Linear", "ParallelBlock.02Linear"),
                    List.copyOf(converted.keySet()));
            Map<String, Block> layers = LayerNames.all(net);
            assertTrue(layers.get("01Linear") instanceof LutLinear);
            assertTrue(layers.get("ParallelBlock.02Linear") instanceof LutLinear);
            assertTrue(layers.get("04Linear") instanceof Linear);

            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = m.randomNormal(new Shape(2, 6));
            NDArray b = m.randomNormal(new Shape(2, 6));
            assertEquals(new Shape(2, 3), net.forward(ps, new NDList(a), false).head().getShape());
            assertFalse(java.util.Arrays.equals(net.forward(ps, new NDList(a), false).head().toFloatArray(),
                    net.forward(ps, new NDList(b), false).head().toFloatArray()));
            // With the first LUT layer's weights and bias zeroed, every input gives the same output:
            // the forward pass really goes through the swapped layer.
            LutLinear first = (LutLinear) layers.get("01Linear");
            first.getWeight().getArray().set(new float[8 * 6]);
            first.getParameters().get("bias").getArray().set(new float[8]);
            assertArrayEquals(net.forward(ps, new NDList(a), false).head().toFloatArray(),
                    net.forward(ps, new NDList(b), false).head().toFloatArray());
        }
    }

    @Test
    void convertsZooConvolutionsByTypeAndKeepsNamedLayersDense() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = ResidualCnn.build(10, List.of(8, 16), 1);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
            Map<String, Block> converted = LutConverter.withDefaults().convert(m, net, (name, layer) ->
                    layer instanceof Conv2d && !name.equals("conv1") && !name.endsWith("shortcut_conv")
                            ? new LayerSpec(8, 16, Metric.L2, 8, false) : null);
            assertEquals(List.of("stage1.block1.conv1", "stage1.block1.conv2", "stage2.block1.conv1", "stage2.block1.conv2"),
                    List.copyOf(converted.keySet()));
            Map<String, String> types = LayerNames.all(net).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getClass().getSimpleName()));
            assertEquals("LutConv2d", types.get("stage2.block1.conv2"));
            assertEquals("Conv2d", types.get("conv1"));
            assertEquals("Conv2d", types.get("stage2.block1.shortcut_conv"));
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 1, 28, 28))), false).head();
            assertEquals(new Shape(2, 10), y.getShape());
        }
    }
}
