package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.lutboost.graph.FloatGraph;
import ai.lutboost.graph.GraphNode;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.graph.RoundedAdd;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.InputQuantization;
import ai.lutboost.layer.LayerNames;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.layer.LutLinear;
import ai.lutboost.layer.LutMode;
import ai.lutboost.layer.Metric;
import ai.lutboost.model.NamedSequentialBlock;
import ai.lutboost.model.ResidualCnn;
import ai.lutboost.stage.FreezeStage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The integer model of small frozen models: ops, formats, and closeness to the float model. */
class IntegerModelBuilderTest {

    private static final IntegerModel.Provenance PROVENANCE = new IntegerModel.Provenance("t", "", "0".repeat(64),
            0, "fashion-mnist", new float[] {0}, new float[] {1}, List.of("a", "b", "c"));

    /** A frozen conv-norm-ReLU-pool, LUT linear, ReLU, dense model on 8x8 inputs, and its calibration images. */
    private record Fixture(SequentialBlock frozen, LutLinear lut, NDArray calibration) {}

    private static Fixture fixture(NDManager m) {
        Engine.getInstance().setRandomSeed(3);
        Random r = new Random(3);
        NamedSequentialBlock net = new NamedSequentialBlock();
        net.add("conv", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4)
                        .build())
                .add("bn", BatchNorm.builder().build())
                .add("relu", Activation.reluBlock())
                .add("pool", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc", Linear.builder().setUnits(8).build())
                .add("relu2", Activation.reluBlock())
                .add("out", Linear.builder().setUnits(3).build());
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        BatchNorm bn = (BatchNorm) net.getChildren().get(1).getValue();
        for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
            float[] stats = new float[4];
            for (int i = 0; i < 4; i++) {
                stats[i] = name.equals("runningVar") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.3f;
            }
            bn.getParameters().get(name).getArray().set(stats);
        }
        Linear fc = (Linear) net.getChildren().get(5).getValue();
        LutLinear lut = LutLinear.fromDense(m, fc, "fc", new LayerSpec(4, 16, Metric.L2, 8, false));
        NDArray calibration = m.randomNormal(new Shape(256, 1, 8, 8));
        centroidsFrom(lut, calibration, net);
        SequentialBlock frozen = new SequentialBlock();
        int i = 0;
        for (var child : net.getChildren()) {
            frozen.add(i++ == 5 ? lut : child.getValue());
        }
        var q = TableQuantizer.quantize(lut.computeTable().toFloatArray(), 8, 8);
        lut.freezeTable(m.create(q.dequantized(), new Shape(lut.getCodebooks(), 16, 8)), q.fractionBits());
        lut.setMode(LutMode.HARD);
        return new Fixture(frozen, lut, calibration);
    }

    /**
     * Runs the float and the integer model on 64 inputs.
     *
     * @return the mean relative logit error and the number of samples whose classes agree
     */
    private static double[] compare(IntegerModel model, SequentialBlock frozen, NDArray x, NDManager m) {
        float[] expected = frozen.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
        try (IntegerSimulation sim = new IntegerSimulation(model, m)) {
            double[] logits = sim.run(sim.quantizeInput(x)).get(model.output()).toDoubleArray();
            int f = model.tensor(model.output()).format().fractionBits();
            double err = 0;
            double scale = 0;
            int agree = 0;
            for (int s = 0; s < 64; s++) {
                int a = 0;
                int b = 0;
                for (int c = 0; c < 3; c++) {
                    double real = Math.scalb(logits[s * 3 + c], -f);
                    err += Math.abs(real - expected[s * 3 + c]);
                    scale += Math.abs(expected[s * 3 + c]);
                    a = logits[s * 3 + c] > logits[s * 3 + a] ? c : a;
                    b = expected[s * 3 + c] > expected[s * 3 + b] ? c : b;
                }
                agree += a == b ? 1 : 0;
            }
            return new double[] {err / scale, agree};
        }
    }

    @Test
    void denseConvWithNormAndLutLinearApproximateTheFloatModel() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture fx = fixture(m);
            IntegerModel model = IntegerModelBuilder.build(fx.frozen(), new int[] {1, 8, 8}, fx.calibration(), 64,
                    PROVENANCE);
            assertEquals(List.of("conv2d", "maxpool2d", "lut_linear", "linear"),
                    model.ops().stream().map(o -> o.kind().manifestName()).toList(), "norm and ReLUs fused, flatten free");
            DenseLayerOp conv = (DenseLayerOp) model.ops().get(0);
            assertTrue(conv.relu());
            assertEquals(16, model.tensor(model.output()).format().bits());
            double[] c = compare(model, fx.frozen(), m.randomNormal(new Shape(64, 1, 8, 8)), m);
            // Measured 0.135 with this seed. Random inputs put many sub-vectors near a tie between
            // two centroids, and 8-bit inputs flip some of those assignments: that, not rounding,
            // dominates the error. A shift off by one scales values by two: a relative error of 0.5 or more.
            assertTrue(c[0] < 0.2, "mean relative logit error " + c[0]);
            assertTrue(c[1] >= 54, "the integer model predicts the float model's class on " + c[1] + "/64");
        }
    }

    @Test
    void aRecordedInputGridIsTheFormatOfTheTensorsItRoundsAndBringsTheModelsTogether() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture fx = fixture(m);
            Map<AbstractLutBlock, FixedPointFormat> grids =
                    IntegerModelBuilder.datapathGrids(fx.frozen(), new int[] {1, 8, 8}, fx.calibration(), 64).lutInputs();
            FixedPointFormat calibrated = grids.get(fx.lut());
            IntegerModel unrounded = IntegerModelBuilder.build(fx.frozen(), new int[] {1, 8, 8}, fx.calibration(), 64,
                    PROVENANCE);
            assertEquals(calibrated, unrounded.tensor(unrounded.ops().get(2).inputs().get(0)).format(),
                    "datapathGrids calibrates as build does");

            // A grid one bit coarser than calibration chose, so that pinning is visible.
            FixedPointFormat grid = new FixedPointFormat(8, calibrated.fractionBits() - 1, true);
            fx.lut().setInputQuantization(new InputQuantization(8, grid.fractionBits()));
            IntegerModel model = IntegerModelBuilder.build(fx.frozen(), new int[] {1, 8, 8}, fx.calibration(), 64,
                    PROVENANCE);
            IntegerOp conv = model.ops().get(0);
            IntegerOp pool = model.ops().get(1);
            assertEquals(grid, model.tensor(pool.output()).format(), "the LUT layer's input");
            assertEquals(grid, model.tensor(conv.output()).format(), "pooling passes the grid back");

            NDArray x = m.randomNormal(new Shape(64, 1, 8, 8));
            double[] rounded = compare(model, fx.frozen(), x, m);
            fx.lut().setInputQuantization(null);
            double[] raw = compare(model, fx.frozen(), x, m);
            // Measured with this seed: error 0.080 and 64/64 classes when the float model rounds as
            // the integer model does, 0.193 and 58/64 when it searches on raw values. What remains
            // is the 8-bit image and the int8 conv weights moving pooled values across a boundary.
            assertTrue(rounded[0] < raw[0] / 2, "mean relative logit error " + rounded[0] + " rounding, " + raw[0]
                    + " not");
            assertTrue(rounded[1] >= 62, "the integer model predicts the float model's class on " + rounded[1] + "/64");
        }
    }

    /**
     * A residual CNN on 8x8 inputs frozen as the freeze stage freezes it: a dense stem conv with
     * its batch norm folded in, LUT convs (an identity shortcut in stage 1, a projected one in
     * stage 2) with batch norms of random statistics folded into their tables, the stem and the
     * classifier rounded to int8, and every LUT layer rounding its input.
     */
    private static NamedSequentialBlock frozenResidualCnn(NDManager m, NDArray calibration) throws Exception {
        Engine.getInstance().setRandomSeed(5);
        Random r = new Random(5);
        NamedSequentialBlock net = ResidualCnn.build(3, List.of(4, 8), 1);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        for (ai.djl.nn.Block b : LayerNames.all(net).values()) {
            if (b instanceof BatchNorm bn) {
                for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
                    NDArray a = bn.getParameters().get(name).getArray();
                    float[] stats = new float[(int) a.size()];
                    for (int i = 0; i < stats.length; i++) {
                        stats[i] = name.equals("runningVar") ? 0.5f + r.nextFloat()
                                : name.equals("gamma") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.3f;
                    }
                    a.set(stats);
                }
            }
        }
        Map<String, ai.djl.nn.Block> converted = LutConverter.withDefaults().convert(m, net, (name, layer) ->
                layer instanceof Conv2d && !name.equals("conv1") ? new LayerSpec(4, 16, Metric.L2, 8, false) : null);
        List<AbstractLutBlock> layers = converted.values().stream().map(b -> (AbstractLutBlock) b).toList();
        FreezeStage.freeze(net, layers, m);
        layers.forEach(l -> l.setMode(LutMode.HARD));
        IntegerModelBuilder.roundDenseWeights(net, new int[] {1, 8, 8});
        DatapathGrids grids = IntegerModelBuilder.datapathGrids(net, new int[] {1, 8, 8}, calibration, 64);
        grids.lutInputs().forEach((l, f) -> l.setInputQuantization(new InputQuantization(f.bits(), f.fractionBits())));
        return net;
    }

    /**
     * Runs the float graph and the integer model on {@code x} and counts the elements of one
     * tensor on which they agree exactly.
     *
     * @return the elements that agree, and the tensor's element count
     */
    private static double[] onGrid(IntegerModel model, ai.djl.nn.Block net, NDArray x, String tensor, NDManager m)
            throws LoweringException {
        FloatGraph graph = FloatGraph.trace(net, new int[] {1, 8, 8});
        ParameterStore ps = new ParameterStore(m, false);
        Map<String, NDArray> values = new java.util.HashMap<>();
        values.put(graph.input(), x);
        for (GraphNode n : graph.nodes()) {
            values.put(n.output(), FloatGraph.evaluate(n, n.inputs().stream().map(values::get).toList(), ps));
        }
        double[] real = values.get(tensor).toType(DataType.FLOAT64, false).toDoubleArray();
        try (IntegerSimulation sim = new IntegerSimulation(model, m)) {
            double[] q = sim.run(sim.quantizeInput(x)).get(tensor).toDoubleArray();
            int f = model.tensor(tensor).format().fractionBits();
            int same = 0;
            for (int i = 0; i < q.length; i++) {
                same += Math.scalb(real[i], f) == q[i] ? 1 : 0;
            }
            return new double[] {same, q.length};
        }
    }

    @Test
    void theFrozenResidualCnnAddsTheDatapathsSumsAndPinsTheAddFormats() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            // Seeded here, not only in frozenResidualCnn: the images must not depend on the tests run before.
            Engine.getInstance().setRandomSeed(5);
            NDArray calibration = m.randomNormal(new Shape(256, 1, 8, 8));
            NamedSequentialBlock net = frozenResidualCnn(m, calibration);
            int[] shape = {1, 8, 8};
            Map<RoundedAdd, AddRounding> adds = IntegerModelBuilder.datapathGrids(net, shape, calibration, 64).adds();
            assertEquals(2, adds.size(), "one add per residual block");
            IntegerModel model = IntegerModelBuilder.build(net, shape, calibration, 64, PROVENANCE);
            List<AddOp> addOps = model.ops().stream().filter(o -> o instanceof AddOp).map(o -> (AddOp) o).toList();
            int i = 0;
            for (AddRounding grids : adds.values()) {
                AddOp op = addOps.get(i++);
                assertEquals(List.of(grids.left(), grids.right(), grids.sum()),
                        List.of(op.left(), op.right(), op.output()).stream().map(t -> {
                            FixedPointFormat f = model.tensor(t).format();
                            return new InputQuantization(f.bits(), f.fractionBits());
                        }).toList(), "datapathGrids calibrates the add's formats as build does, " + op.name());
            }

            // Images on the datapath's 16-bit input grid, which the float model does not round to.
            int fin = model.tensor(model.input()).format().fractionBits();
            NDArray x = m.randomNormal(new Shape(64, 1, 8, 8)).mul(1 << fin).round().div(1 << fin);
            GlobalAvgPoolOp pool = model.ops().stream().filter(o -> o instanceof GlobalAvgPoolOp)
                    .map(o -> (GlobalAvgPoolOp) o).findFirst().orElseThrow();
            int poolIn = model.tensor(pool.input()).format().fractionBits();
            int poolOut = model.tensor(pool.output()).format().fractionBits();
            // A mean is never larger than what it averages, so its own format is never coarser
            // (here it comes out equal; the residual CNN's pool gains a bit, see docs/measurements.md).
            assertTrue(poolOut >= poolIn, "the mean's format " + poolOut + " against its input's " + poolIn);
            assertEquals(GlobalAvgPoolOp.reciprocal(16)[1] - (poolOut - poolIn), pool.shift());
            String sum = addOps.get(1).output();
            double[] exact = onGrid(model, net, x, sum, m);
            adds.forEach(RoundedAdd::setAddRounding);
            IntegerModel pinned = IntegerModelBuilder.build(net, shape, calibration, 64, PROVENANCE);
            assertEquals(model.tensors().stream().map(IntegerTensor::format).toList(),
                    pinned.tensors().stream().map(IntegerTensor::format).toList(), "recorded grids are the calibrated formats");
            double[] rounded = onGrid(pinned, net, x, sum, m);
            double[] firstBlock = onGrid(pinned, net, x, addOps.get(0).output(), m);
            // Measured with this seed: every sum of both blocks identical (16,384 and 8,192 in the
            // last block); the last block's with exact adds 2,986, with the stem conv and its
            // batch norm not folded 5,130, with the LUT biases not rounded to their table fraction
            // 3,817.
            assertTrue(rounded[0] == rounded[1] && firstBlock[0] == firstBlock[1], "sums identical: "
                    + firstBlock[0] + " of " + firstBlock[1] + " and " + rounded[0] + " of " + rounded[1]);
            assertTrue(exact[0] < rounded[1] / 2, "exact adds: " + exact[0] + " of " + exact[1]);

            RoundedAdd first = adds.keySet().iterator().next();
            AddRounding recorded = first.getAddRounding();
            InputQuantization coarser = new InputQuantization(8, recorded.sum().fractionBits() - 1);
            first.setAddRounding(new AddRounding(recorded.left(), recorded.right(), coarser));
            LoweringException e = assertThrows(LoweringException.class,
                    () -> IntegerModelBuilder.build(net, shape, calibration, 64, PROVENANCE));
            assertTrue(e.getMessage().contains("stage1.block1.add") && e.getMessage().contains("rerun the freeze stage"),
                    e.getMessage());
        }
    }

    @Test
    void denseWeightsRoundedOnceStayAndTheLayerBeforeANormKeepsItsOwn() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture fx = fixture(m);
            ai.djl.nn.Block conv = fx.frozen().getChildren().get(0).getValue();
            ai.djl.nn.Block out = fx.frozen().getChildren().get(7).getValue();
            float[] convBefore = conv.getParameters().get("weight").getArray().toFloatArray();
            float[] outBefore = out.getParameters().get("weight").getArray().toFloatArray();

            // The frozen block is a plain SequentialBlock, so the layer goes by its type's name.
            assertEquals(List.of("Linear"), IntegerModelBuilder.roundDenseWeights(fx.frozen(), new int[] {1, 8, 8}),
                    "only the classifier: the conv is followed by a batch norm, fc is a LUT layer");
            assertArrayEquals(convBefore, conv.getParameters().get("weight").getArray().toFloatArray());
            float[] rounded = out.getParameters().get("weight").getArray().toFloatArray();
            assertTrue(!out.getParameters().get("weight").requiresGradient(), "frozen");
            int units = 3;
            int d = rounded.length / units;
            for (int j = 0; j < units; j++) {
                double max = 0;
                for (int i = 0; i < d; i++) {
                    max = Math.max(max, Math.abs(rounded[j * d + i]));
                }
                // The column's step: its largest value is 64..127 steps.
                int f = FixedPointFormat.fitting(8, max).fractionBits();
                assertTrue(Math.scalb(max, f) >= 64 && Math.scalb(max, f) <= 127, "column " + j);
                for (int i = 0; i < d; i++) {
                    double q = Math.scalb((double) rounded[j * d + i], f);
                    assertEquals(Math.rint(q), q, "column " + j + " weight " + i + " is on its int8 grid");
                    assertTrue(Math.abs(q - Math.scalb((double) outBefore[j * d + i], f)) <= 0.5);
                }
            }
            IntegerModelBuilder.roundDenseWeights(fx.frozen(), new int[] {1, 8, 8});
            assertArrayEquals(rounded, out.getParameters().get("weight").getArray().toFloatArray(),
                    "rounding again changes nothing, so the export finds the same integers");
        }
    }

    /** Seeds the LUT layer's centroids with its real inputs, so the hard assignment is meaningful. */
    private static void centroidsFrom(LutLinear lut, NDArray images, NamedSequentialBlock net) {
        NDList x = new NDList(images.get(":16"));
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        for (int i = 0; i < 5; i++) {
            x = net.getChildren().get(i).getValue().forward(ps, x, false);
        }
        float[] rows = x.head().toFloatArray();
        float[] centroids = new float[lut.getCodebooks() * 16 * 4];
        int d = 64;
        for (int j = 0; j < lut.getCodebooks(); j++) {
            for (int k = 0; k < 16; k++) {
                for (int u = 0; u < 4; u++) {
                    centroids[(j * 16 + k) * 4 + u] = rows[k * d + j * 4 + u];
                }
            }
        }
        lut.getCentroids().getArray().set(centroids);
    }

    @Test
    void unsupportedBlockIsNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedSequentialBlock net = new NamedSequentialBlock();
            net.add("fc", Linear.builder().setUnits(4).build()).add("act", Activation.sigmoidBlock());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 6));
            LoweringException e = assertThrows(LoweringException.class,
                    () -> IntegerModelBuilder.build(net, new int[] {6}, m.randomNormal(new Shape(4, 6)), 4, PROVENANCE));
            assertTrue(e.getMessage().contains("block act") && e.getMessage().contains("sigmoid"), e.getMessage());
            assertTrue(e.isBadInput());
        }
    }

    @Test
    void unfrozenLutLayerAsksForTheFreezeStage() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear fc = Linear.builder().setUnits(4).build();
            fc.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            LutLinear lut = LutLinear.fromDense(m, fc, "fc", LayerSpec.of(4, 4));
            lut.setMode(LutMode.HARD);
            SequentialBlock net = new SequentialBlock().add(lut);
            LoweringException e = assertThrows(LoweringException.class,
                    () -> IntegerModelBuilder.build(net, new int[] {8}, m.randomNormal(new Shape(4, 8)), 4, PROVENANCE));
            assertTrue(e.getMessage().contains("freeze stage"), e.getMessage());
        }
    }
}
