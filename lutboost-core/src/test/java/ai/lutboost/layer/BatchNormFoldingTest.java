package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.lutboost.model.ResidualCnn;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    @Test
    void foldedTableAndBiasGiveTheSameOutputAsLayerThenNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(5);
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            LutConv2d lut = LutConv2d.fromDense(m, conv, "conv", new LayerSpec(3, 8, Metric.L2, 8, false));
            SequentialBlock net = new SequentialBlock().add(lut).add(BatchNorm.builder().build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            BatchNorm bn = (BatchNorm) net.getChildren().get(1).getValue();
            float[] stats = new float[4];
            for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
                for (int i = 0; i < 4; i++) {
                    stats[i] = name.equals("runningVar") ? 0.5f + r.nextFloat() : (float) r.nextGaussian();
                }
                bn.getParameters().get(name).getArray().set(stats);
            }
            lut.setMode(LutMode.HARD);
            NDArray x = m.randomNormal(new Shape(3, 2, 6, 6));
            float[] before = net.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();

            List<BatchNormFolding.Folded> pairs = BatchNormFolding.find(net);
            assertEquals(1, pairs.size());
            float[][] affine = BatchNormFolding.affine(pairs.get(0).norm());
            float[] table = lut.computeTable().toFloatArray();
            float[] bias = lut.getBias().getArray().toFloatArray();
            for (int i = 0; i < table.length; i++) {
                table[i] *= affine[0][i % 4];
            }
            for (int i = 0; i < 4; i++) {
                bias[i] = affine[0][i] * bias[i] + affine[1][i];
            }
            lut.freezeTable(m.create(table, new Shape(lut.getCodebooks(), 8, 4)));
            lut.getBias().getArray().set(bias);
            BatchNormFolding.removeNorms(pairs);
            float[] after = net.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            assertEquals(before.length, after.length);
            for (int i = 0; i < before.length; i++) {
                // float32 reassociation only: a few ulps of values of order 1-10.
                assertEquals(before[i], after[i], 1e-4 * (1 + Math.abs(before[i])), "output " + i);
            }
            assertEquals(0, BatchNormFolding.find(net).size(), "the norm is gone");
        }
    }

    @Test
    void modelWithRemovedNormsSavesAndLoads() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            LutConv2d lut = LutConv2d.fromDense(m, conv, "conv", new LayerSpec(3, 8, Metric.L2, 8, false));
            SequentialBlock net = new SequentialBlock().add(lut).add(BatchNorm.builder().build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            BatchNormFolding.removeNorms(BatchNormFolding.find(net));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            net.saveParameters(new java.io.DataOutputStream(bytes));

            LutConv2d other = LutConv2d.fromDense(m, conv, "conv", new LayerSpec(3, 8, Metric.L2, 8, false));
            SequentialBlock copy = new SequentialBlock().add(other).add(BatchNorm.builder().build());
            copy.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            BatchNormFolding.removeNorms(BatchNormFolding.find(copy));
            copy.loadParameters(m, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            lut.setMode(LutMode.HARD);
            other.setMode(LutMode.HARD);
            NDArray x = m.randomNormal(new Shape(2, 2, 6, 6));
            ParameterStore ps = new ParameterStore(m, false);
            assertEquals(net.forward(ps, new NDList(x), false).head().sub(copy.forward(ps, new NDList(x), false).head())
                    .abs().max().getFloat(), 0f);
        }
    }

    @Test
    void aDenseConvAndItsNormFoldIntoOneConvThatSavesAndLoads() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(7);
            Block net = ResidualCnn.build(3, List.of(4), 1);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 6, 6));
            BatchNorm stemNorm = (BatchNorm) LayerNames.all(net).get("bn1");
            for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
                float[] stats = new float[4];
                for (int i = 0; i < 4; i++) {
                    stats[i] = name.equals("runningVar") ? 0.5f + r.nextFloat() : (float) r.nextGaussian();
                }
                stemNorm.getParameters().get(name).getArray().set(stats);
            }
            NDArray x = m.randomNormal(new Shape(3, 1, 6, 6));
            float[] before = net.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();

            List<BatchNormFolding.FoldedConv> pairs = BatchNormFolding.findConvs(net);
            assertEquals(List.of("conv1", "stage1.block1.conv1", "stage1.block1.conv2"),
                    pairs.stream().map(BatchNormFolding.FoldedConv::path).toList(),
                    "the stem and the block's convs (dense here); no shortcut conv at an unchanged width");
            BatchNormFolding.foldConvs(pairs, true);
            assertTrue(BatchNormFolding.findConvs(net).isEmpty(), "the norms are gone");
            Conv2d stem = (Conv2d) LayerNames.all(net).get("conv1");
            assertTrue(stem.isIncludeBias());
            float[] after = net.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            for (int i = 0; i < before.length; i++) {
                // float32 reassociation only.
                assertEquals(before[i], after[i], 1e-4 * (1 + Math.abs(before[i])), "logit " + i);
            }

            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            net.saveParameters(new java.io.DataOutputStream(bytes));
            Block copy = ResidualCnn.build(3, List.of(4), 1);
            copy.initialize(m, DataType.FLOAT32, new Shape(1, 1, 6, 6));
            BatchNormFolding.foldConvs(BatchNormFolding.findConvs(copy), false);
            copy.loadParameters(m, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(after, copy.forward(new ParameterStore(m, false), new NDList(x), false).head()
                    .toFloatArray(), "the folded structure, rebuilt without values, loads the checkpoint");
        }
    }
}
