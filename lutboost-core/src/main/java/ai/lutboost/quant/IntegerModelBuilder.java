package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.lutboost.engine.TransformerArithmetic;
import ai.lutboost.graph.FloatGraph;
import ai.lutboost.graph.GraphNode;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.graph.OpKind;
import ai.lutboost.graph.RoundedAdd;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.BatchNormFolding;
import ai.lutboost.layer.InputQuantization;
import ai.lutboost.layer.LutConv2d;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Turns a frozen model into its {@link IntegerModel}: calibrates one activation format per tensor
 * from the largest magnitude seen on calibration images (the widest format in which it does not
 * saturate), quantizes centroids into their layer's input format, takes the frozen tables'
 * integers as they are, quantizes dense weights per output column, and aligns every bias to its
 * column's accumulator.
 */
public final class IntegerModelBuilder {

    /** Width of activations between layers (DESIGN §5 default). */
    public static final int ACTIVATION_BITS = 8;
    /**
     * Width of the input: a normalized 8-bit pixel needs more than 8 bits to keep its value
     * (Fashion-MNIST's pixel step is 2^-6.5 on a range of +-2); at 16 bits rounding moves it by
     * under 2^-14, so the first layer sees what the float model sees.
     */
    public static final int INPUT_BITS = 16;
    /**
     * Width of a transformer's tensors other than LUT inputs and attention operands: the residual
     * stream, the nonlinearities' inputs and the class token carry values whose range and
     * precision 8 bits cannot both hold.
     */
    public static final int WIDE_ACTIVATION_BITS = 16;
    /**
     * LayerNorm's epsilon. DJL's {@code LayerNorm} does not expose it; the zoo's transformers build
     * their norms with DJL's default, this value.
     */
    public static final double LAYER_NORM_EPSILON = 1e-5;
    /** Width of the logits, wider so that close classes stay apart. */
    public static final int LOGIT_BITS = 16;
    /** Width of dense-layer weights. */
    public static final int WEIGHT_BITS = 8;
    /** Calibration images the formats are fitted on when the caller does not say. */
    public static final int DEFAULT_CALIBRATION = 2048;
    /** Width of accumulators. */
    public static final int ACCUMULATOR_BITS = 32;

    private IntegerModelBuilder() {}

    /**
     * Builds the integer model.
     *
     * @param root the frozen model (LUT tables frozen to fixed point, folded norms removed)
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @param calibration calibration images, {@code [B, C, H, W]} normalized as in training
     * @param batchSize images per calibration forward pass
     * @param provenance what the bundle records about the model's origin
     * @return the integer model
     * @throws LoweringException if a block has no datapath op, a table is not frozen, or an
     *     accumulator could overflow
     */
    public static IntegerModel build(
            Block root, int[] inputShape, NDArray calibration, int batchSize, IntegerModel.Provenance provenance)
            throws LoweringException {
        return build(root, inputShape, calibration, batchSize, provenance, done -> { });
    }

    /**
     * Builds the integer model, reporting after each calibration batch.
     *
     * @param root the frozen model (LUT tables frozen to fixed point, folded norms removed)
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @param calibration calibration images, {@code [B, C, H, W]} normalized as in training
     * @param batchSize images per calibration forward pass
     * @param provenance what the bundle records about the model's origin
     * @param afterBatch told how many calibration images are done after each batch: progress, and
     *     a safe point for a stop request
     * @return the integer model
     * @throws LoweringException if a block has no datapath op, a table is not frozen, or an
     *     accumulator could overflow
     */
    public static IntegerModel build(Block root, int[] inputShape, NDArray calibration, int batchSize,
            IntegerModel.Provenance provenance, IntConsumer afterBatch) throws LoweringException {
        return build(root, inputShape, plan(root, inputShape, calibration, batchSize, afterBatch), provenance);
    }

    /**
     * Calibrates the datapath plan: one format per tensor, as {@link #build} uses them.
     *
     * @param root the frozen model (LUT tables frozen to fixed point, folded norms removed)
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @param calibration calibration images, {@code [B, C, H, W]} normalized as in training
     * @param batchSize images per calibration forward pass
     * @param afterBatch told how many calibration images are done after each batch: progress, and
     *     a safe point for a stop request
     * @return the plan
     * @throws LoweringException if a block has no datapath op, or two ops reading one tensor
     *     record different grids
     */
    public static DatapathPlan plan(Block root, int[] inputShape, NDArray calibration, int batchSize,
            IntConsumer afterBatch) throws LoweringException {
        FloatGraph graph = FloatGraph.trace(root, inputShape);
        Map<String, FixedPointFormat> formats = formats(graph, calibrate(graph, calibration, batchSize, afterBatch));
        Map<String, FixedPointFormat> ordered = new LinkedHashMap<>();
        ordered.put(graph.input(), formats.get(graph.input()));
        for (GraphNode n : graph.nodes()) {
            ordered.put(n.output(), formats.get(n.output()));
        }
        return new DatapathPlan(ordered, (int) calibration.getShape().get(0));
    }

    /**
     * Builds the integer model from a calibrated plan, without calibrating.
     *
     * @param root the frozen model the plan was calibrated on
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @param plan every tensor's format
     * @param provenance what the bundle records about the model's origin
     * @return the integer model
     * @throws LoweringException if a block has no datapath op, a table is not frozen, an
     *     accumulator could overflow, or the plan does not fit the model
     */
    public static IntegerModel build(Block root, int[] inputShape, DatapathPlan plan,
            IntegerModel.Provenance provenance) throws LoweringException {
        FloatGraph graph = FloatGraph.trace(root, inputShape);
        Map<String, FixedPointFormat> formats = plan.formats();
        List<String> names = new ArrayList<>();
        names.add(graph.input());
        graph.nodes().forEach(n -> names.add(n.output()));
        if (!names.equals(List.copyOf(formats.keySet()))) {
            throw new LoweringException("the datapath plan names the tensors " + formats.keySet() + " but the model has "
                    + names + "; run the freeze stage again (--from-stage freeze)");
        }
        Map<String, FixedPointFormat> recorded = pinnedFormats(graph);
        for (Map.Entry<String, FixedPointFormat> e : recorded.entrySet()) {
            if (!e.getValue().equals(formats.get(e.getKey()))) {
                throw new LoweringException("tensor " + e.getKey() + ": the model rounds it to " + e.getValue()
                        + " but the datapath plan says " + formats.get(e.getKey())
                        + "; run the freeze stage again (--from-stage freeze)");
            }
        }
        for (GraphNode n : graph.nodes()) {
            boolean keepsFormat = n.kind() == OpKind.MAXPOOL || n.kind() == OpKind.SELECT;
            if (keepsFormat && !formats.get(n.output()).equals(formats.get(n.inputs().get(0)))) {
                throw new LoweringException(n.name() + ": the datapath plan gives it the format "
                        + formats.get(n.output()) + ", not its input's " + formats.get(n.inputs().get(0)));
            }
        }
        List<IntegerTensor> tensors = new ArrayList<>();
        tensors.add(new IntegerTensor(graph.input(), inputShape, formats.get(graph.input())));
        List<IntegerOp> ops = new ArrayList<>();
        for (GraphNode n : graph.nodes()) {
            FixedPointFormat in = formats.get(n.inputs().get(0));
            FixedPointFormat out = formats.get(n.output());
            tensors.add(new IntegerTensor(n.output(), n.outputShape(), out));
            int[] inShape = graph.shape(n.inputs().get(0));
            ops.add(switch (n.kind()) {
                case LUT -> lutOp(n, in, out);
                case DENSE -> denseOp(n, in, out);
                case MAXPOOL -> new MaxPoolOp(n.name(), n.inputs().get(0), n.output(), n.pool(), n.pool());
                case AVGPOOL -> avgPoolOp(n, in, out, inShape);
                case ADD -> new AddOp(n.name(), n.inputs().get(0), n.inputs().get(1), n.output(),
                        formats.get(n.inputs().get(0)).fractionBits() - out.fractionBits(),
                        formats.get(n.inputs().get(1)).fractionBits() - out.fractionBits(), n.relu());
                case TOKENS -> tokenOp(n, in, out);
                case NORM -> normOp(n, in, inShape);
                case ATTENTION -> attentionOp(n, formats, out, inShape);
                case GELU -> new GeluOp(n.name(), n.inputs().get(0), n.output());
                case SELECT -> new SelectTokenOp(n.name(), n.inputs().get(0), n.output(), 0);
            });
        }
        return new IntegerModel(tensors, ops, graph.input(), graph.output(), provenance);
    }

    /**
     * Calibrates, as {@link #build} does, the grids the freeze stage makes the float model round
     * to: each LUT layer's input format, and each residual add's operand and sum formats.
     *
     * @param root the frozen model
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @param calibration calibration images, {@code [B, C, H, W]} normalized as in training
     * @param batchSize images per calibration forward pass
     * @return the grids, in graph order
     * @throws LoweringException if a block has no datapath op, or two layers reading one
     *     tensor record different formats
     */
    public static DatapathGrids datapathGrids(Block root, int[] inputShape, NDArray calibration, int batchSize)
            throws LoweringException {
        FloatGraph graph = FloatGraph.trace(root, inputShape);
        Map<String, FixedPointFormat> formats = formats(graph, calibrate(graph, calibration, batchSize, done -> { }));
        Map<AbstractLutBlock, FixedPointFormat> lutInputs = new LinkedHashMap<>();
        Map<RoundedAdd, AddRounding> adds = new LinkedHashMap<>();
        for (GraphNode n : graph.nodes()) {
            if (n.kind() == OpKind.LUT) {
                lutInputs.put((AbstractLutBlock) n.block(), formats.get(n.inputs().get(0)));
            } else if (n.kind() == OpKind.ADD && n.rounding() != null) {
                adds.put(n.rounding(), new AddRounding(grid(formats.get(n.inputs().get(0))),
                        grid(formats.get(n.inputs().get(1))), grid(formats.get(n.output()))));
            }
        }
        return new DatapathGrids(lutInputs, adds);
    }

    private static InputQuantization grid(FixedPointFormat f) {
        return new InputQuantization(f.bits(), f.fractionBits());
    }

    private static FixedPointFormat format(InputQuantization q) {
        return new FixedPointFormat(q.bits(), q.fractionBits(), true);
    }

    /**
     * Replaces the weights of every dense layer that no batch norm follows by their int8 values
     * ({@code q * 2^-f}, per output column, as {@link #build} quantizes them) and freezes them, so
     * that the float model multiplies by the weights the datapath holds. {@link #build} then
     * finds the same integers again: a column's largest value is at least {@code 64 * 2^-f}, so
     * it keeps the fraction {@code f}. A layer a batch norm follows keeps its float weights,
     * since the datapath folds the norm in before it quantizes.
     *
     * @param root the frozen model
     * @param inputShape one sample's shape {@code [C, H, W]}
     * @return the names of the layers rounded
     * @throws LoweringException if a block has no datapath op
     */
    public static List<String> roundDenseWeights(Block root, int[] inputShape) throws LoweringException {
        List<String> rounded = new ArrayList<>();
        for (GraphNode n : FloatGraph.trace(root, inputShape).nodes()) {
            if (n.kind() != OpKind.DENSE || n.norm() != null) {
                continue;
            }
            Parameter wp = n.block().getParameters().get("weight");
            float[] w = wp.getArray().toFloatArray();
            int units = (int) wp.getArray().getShape().get(0);
            int d = w.length / units;
            float[] q = quantizeWeights(w, units).dequantized();
            for (int j = 0; j < units; j++) {
                for (int i = 0; i < d; i++) {
                    w[j * d + i] = q[i * units + j];
                }
            }
            wp.getArray().set(w);
            wp.freeze(true);
            rounded.add(n.name());
        }
        return rounded;
    }

    /**
     * One format per tensor: the widest that holds the tensor's calibrated magnitude, except that
     * max pooling (and selecting a token) keeps its input's format, and a tensor read by a LUT
     * layer that records its input grid, or added by a residual block that records its add's
     * grids, takes that grid, so the integer model rounds where the frozen float model rounded
     * (and max pooling passes that grid back to the tensor it pools).
     */
    private static Map<String, FixedPointFormat> formats(FloatGraph graph, Map<String, Double> maxAbs)
            throws LoweringException {
        Map<String, FixedPointFormat> pinned = pinnedFormats(graph);
        Map<String, FixedPointFormat> formats = new HashMap<>();
        formats.put(graph.input(), pinned.getOrDefault(graph.input(),
                FixedPointFormat.fitting(INPUT_BITS, maxAbs.get(graph.input()))));
        String output = graph.output();
        boolean transformer = graph.nodes().stream().anyMatch(n -> n.kind() == OpKind.ATTENTION);
        Set<String> narrow = new HashSet<>();
        for (GraphNode n : graph.nodes()) {
            if (n.kind() == OpKind.LUT || n.kind() == OpKind.ATTENTION) {
                narrow.addAll(n.inputs());
            }
        }
        for (GraphNode n : graph.nodes()) {
            int bits = n.output().equals(output) ? LOGIT_BITS
                    : transformer && !narrow.contains(n.output()) ? WIDE_ACTIVATION_BITS : ACTIVATION_BITS;
            formats.put(n.output(), switch (n.kind()) {
                case MAXPOOL, SELECT -> formats.get(n.inputs().get(0));
                default -> pinned.getOrDefault(n.output(), FixedPointFormat.fitting(bits, maxAbs.get(n.output())));
            });
        }
        return formats;
    }

    /**
     * The formats the frozen model's blocks record: LUT input grids and rounded adds' grids, and,
     * through max pooling and token selection, the tensors those read.
     */
    private static Map<String, FixedPointFormat> pinnedFormats(FloatGraph graph) throws LoweringException {
        Map<String, FixedPointFormat> pinned = new HashMap<>();
        for (GraphNode n : graph.nodes()) {
            InputQuantization q = n.kind() == OpKind.LUT
                    ? ((AbstractLutBlock) n.block()).getInputQuantization() : null;
            if (q != null) {
                pin(pinned, n.inputs().get(0), format(q), n.name());
            }
            AddRounding add = n.rounding() == null ? null : n.rounding().getAddRounding();
            if (add != null) {
                pin(pinned, n.inputs().get(0), format(add.left()), n.name());
                pin(pinned, n.inputs().get(1), format(add.right()), n.name());
                pin(pinned, n.output(), format(add.sum()), n.name());
            }
        }
        for (int i = graph.nodes().size() - 1; i >= 0; i--) {
            GraphNode n = graph.nodes().get(i);
            boolean keepsFormat = n.kind() == OpKind.MAXPOOL || n.kind() == OpKind.SELECT;
            if (keepsFormat && pinned.containsKey(n.output())) {
                pinned.putIfAbsent(n.inputs().get(0), pinned.get(n.output()));
            }
        }
        return pinned;
    }

    private static void pin(Map<String, FixedPointFormat> pinned, String tensor, FixedPointFormat f, String op)
            throws LoweringException {
        FixedPointFormat earlier = pinned.putIfAbsent(tensor, f);
        if (earlier != null && !earlier.equals(f)) {
            throw new LoweringException(op + ": its grid " + f + " for tensor " + tensor + " differs from "
                    + earlier + ", recorded by another op using it; rerun the freeze stage");
        }
    }

    /** Runs the float graph on the calibration images and records each tensor's largest magnitude. */
    private static Map<String, Double> calibrate(
            FloatGraph graph, NDArray images, int batchSize, IntConsumer afterBatch) {
        Map<String, Double> maxAbs = new HashMap<>();
        long total = images.getShape().get(0);
        for (long start = 0; start < total; start += batchSize) {
            try (NDManager scope = images.getManager().newSubManager()) {
                NDArray batch = images.get(start + ":" + Math.min(total, start + batchSize));
                batch.attach(scope);
                ParameterStore ps = new ParameterStore(scope, false);
                Map<String, NDArray> values = new HashMap<>();
                values.put(graph.input(), batch);
                record(maxAbs, graph.input(), batch);
                for (GraphNode n : graph.nodes()) {
                    List<NDArray> in = n.inputs().stream().map(values::get).toList();
                    NDArray y = FloatGraph.evaluate(n, in, ps);
                    values.put(n.output(), y);
                    record(maxAbs, n.output(), y);
                }
            }
            afterBatch.accept((int) Math.min(total, start + batchSize));
        }
        return maxAbs;
    }

    private static void record(Map<String, Double> maxAbs, String name, NDArray value) {
        double m = value.abs().max().toType(DataType.FLOAT64, false).getDouble();
        maxAbs.merge(name, m, Math::max);
    }

    private static LutLayerOp lutOp(GraphNode n, FixedPointFormat in, FixedPointFormat out)
            throws LoweringException {
        AbstractLutBlock layer = (AbstractLutBlock) n.block();
        NDArray frozen = layer.getFrozenTable();
        int[] fractions = layer.getTableFractionBits();
        if (frozen == null || fractions == null) {
            throw new LoweringException("layer " + n.name() + ": its table is not frozen to fixed point; run the"
                    + " freeze stage before exporting");
        }
        int c = layer.getCodebooks();
        int k = layer.getSpec().k();
        int v = layer.getSpec().v();
        int units = (int) layer.getUnits();
        int bits = layer.getSpec().tableBits();
        float[] p = layer.getCentroids().getArray().toFloatArray();
        int[] centroids = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            centroids[i] = (int) in.quantize(p[i]);
        }
        float[] t = frozen.toFloatArray();
        int[] table = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            double q = Math.scalb((double) t[i], fractions[i % units]);
            if (q != Math.rint(q) || Math.abs(q) > (1 << (bits - 1))) {
                throw new LoweringException("layer " + n.name() + ": table entry " + i + " (" + t[i]
                        + ") is not a " + bits + "-bit integer at 2^-" + fractions[i % units]);
            }
            table[i] = (int) q;
        }
        float[] b = layer.getBias().getArray().toFloatArray();
        int[] bias = new int[units];
        int[] shift = new int[units];
        for (int j = 0; j < units; j++) {
            bias[j] = (int) new FixedPointFormat(ACCUMULATOR_BITS, fractions[j], true).quantize(b[j]);
            shift[j] = fractions[j] - out.fractionBits();
            checkAccumulator(n.name(), j, bias[j], (long) c << (bits - 1));
        }
        ConvGeometry conv = layer instanceof LutConv2d lc ? geometry(lc.getKernelShape(), lc.getStride(),
                lc.getPadding(), lc.getDilation()) : null;
        int d = (int) layer.getInputLength();
        return new LutLayerOp(n.name(), n.inputs().get(0), n.output(), conv, d, c, k, v, units, layer.getSpec().metric(),
                bits, centroids, table, bias, shift, n.relu());
    }

    /**
     * Global average pooling into its own calibrated format: a mean is smaller than the values it
     * averages, so keeping the input's format would waste the output's top bits, and the dense
     * classifier after a residual CNN's pool reads those 8 bits. The shift aligns the fractions.
     */
    private static GlobalAvgPoolOp avgPoolOp(GraphNode n, FixedPointFormat in, FixedPointFormat out,
            int[] inShape) throws LoweringException {
        int[] r = GlobalAvgPoolOp.reciprocal(inShape[1] * inShape[2]);
        int shift = r[1] - (out.fractionBits() - in.fractionBits());
        if (shift < 0) {
            throw new LoweringException("pool " + n.name() + ": its output format " + out + " is " + r[1]
                    + " or more bits finer than its input's " + in + "; the datapath's shift cannot be negative");
        }
        return new GlobalAvgPoolOp(n.name(), n.inputs().get(0), n.output(), r[0], shift);
    }

    private static TokenEmbedOp tokenOp(GraphNode n, FixedPointFormat in, FixedPointFormat out) {
        float[] cls = n.embedder().classToken().toFloatArray();
        float[] pos = n.embedder().positionEmbedding().toFloatArray();
        int[] embedding = new int[pos.length];
        for (int i = 0; i < pos.length; i++) {
            double value = i < cls.length ? (double) pos[i] + cls[i] : pos[i];
            embedding[i] = (int) out.quantize(value);
        }
        return new TokenEmbedOp(n.name(), n.inputs().get(0), n.output(), in.fractionBits() - out.fractionBits(), true,
                embedding);
    }

    /**
     * LayerNorm's integers. Its variance sum is at most {@code D^3 2^(2 bits)}, which must stay
     * below {@code 2^52} so that the float64 simulation holds it exactly (16-bit inputs allow
     * {@code D <= 64}, 8-bit ones {@code D <= 4096}).
     */
    private static LayerNormOp normOp(GraphNode n, FixedPointFormat in, int[] inShape)
            throws LoweringException {
        int d = inShape[inShape.length - 1];
        double variance = Math.scalb(Math.pow(d, 3), 2 * in.bits());
        if (variance >= Math.scalb(1.0, 52)) {
            throw new LoweringException("norm " + n.name() + ": " + d + " entries of " + in.bits() + " bits can"
                    + " make the variance sum reach 2^52, beyond exact float64 simulation; use a narrower model");
        }
        float[] g = n.block().getParameters().get("gamma").getArray().toFloatArray();
        float[] b = n.block().getParameters().get("beta").getArray().toFloatArray();
        double maxGamma = 0;
        for (float x : g) {
            maxGamma = Math.max(maxGamma, Math.abs(x));
        }
        FixedPointFormat gammaFormat = FixedPointFormat.fitting(LayerNormOp.GAMMA_BITS, maxGamma);
        int fGamma = gammaFormat.fractionBits();
        int[] gamma = new int[d];
        int[] beta = new int[d];
        FixedPointFormat betaFormat = new FixedPointFormat(ACCUMULATOR_BITS,
                TransformerArithmetic.NORM_FRACTION + fGamma, true);
        for (int i = 0; i < d; i++) {
            gamma[i] = (int) gammaFormat.quantize(g[i]);
            if (Math.abs(Math.scalb((double) b[i], betaFormat.fractionBits())) > betaFormat.maxInt()) {
                throw new LoweringException("norm " + n.name() + ": beta[" + i + "] = " + b[i] + " does not fit 32"
                        + " bits at 2^-" + betaFormat.fractionBits() + " (gamma's largest magnitude is " + maxGamma
                        + ")");
            }
            beta[i] = (int) betaFormat.quantize(b[i]);
        }
        long epsilon = Math.max(1, Math.round(LAYER_NORM_EPSILON * d * d * Math.scalb(1.0, 2 * in.fractionBits())));
        return new LayerNormOp(n.name(), n.inputs().get(0), n.output(), epsilon, gamma, fGamma, beta);
    }

    private static AttentionOp attentionOp(GraphNode n, Map<String, FixedPointFormat> formats,
            FixedPointFormat out, int[] inShape) {
        int heads = n.attention().getHeads();
        int width = inShape[inShape.length - 1] / heads;
        int multiplier = (int) Math.round(Math.scalb(1.0, AttentionOp.MULTIPLIER_FRACTION) / Math.sqrt(width));
        int fq = formats.get(n.inputs().get(0)).fractionBits();
        int fk = formats.get(n.inputs().get(1)).fractionBits();
        int fv = formats.get(n.inputs().get(2)).fractionBits();
        return new AttentionOp(n.name(), n.inputs().get(0), n.inputs().get(1), n.inputs().get(2), n.output(), heads,
                multiplier, fq + fk + AttentionOp.MULTIPLIER_FRACTION,
                TransformerArithmetic.SOFTMAX_FRACTION + fv - out.fractionBits());
    }

    private static DenseLayerOp denseOp(GraphNode n, FixedPointFormat in, FixedPointFormat out)
            throws LoweringException {
        Parameter wp = n.block().getParameters().get("weight");
        Parameter bp = n.block().getParameters().get("bias");
        float[] w = wp.getArray().toFloatArray();
        int units = (int) wp.getArray().getShape().get(0);
        int d = w.length / units;
        float[] b = bp != null && bp.isInitialized() ? bp.getArray().toFloatArray() : new float[units];
        if (n.norm() != null) {
            float[][] affine = BatchNormFolding.affine(n.norm());
            for (int i = 0; i < w.length; i++) {
                w[i] *= affine[0][i / d];
            }
            for (int j = 0; j < units; j++) {
                b[j] = affine[0][j] * b[j] + affine[1][j];
            }
        }
        TableQuantizer.QuantizedTable q = quantizeWeights(w, units);
        int[] weights = new int[w.length];
        int[] bias = new int[units];
        int[] shift = new int[units];
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < d; i++) {
                weights[j * d + i] = q.values()[i * units + j];
            }
            int acc = in.fractionBits() + q.formats()[j].fractionBits();
            bias[j] = (int) new FixedPointFormat(ACCUMULATOR_BITS, acc, true).quantize(b[j]);
            shift[j] = acc - out.fractionBits();
            checkAccumulator(n.name(), j, bias[j], (long) d << (in.bits() - 1 + WEIGHT_BITS - 1));
        }
        ConvGeometry conv = n.block() instanceof Conv2d c ? geometry(c.getKernelShape(), c.getStride(),
                c.getPadding(), c.getDilation()) : null;
        return new DenseLayerOp(n.name(), n.inputs().get(0), n.output(), conv, d, units, WEIGHT_BITS, weights, bias, shift,
                n.relu());
    }

    /**
     * Quantizes dense weights {@code [N][D]} to {@link #WEIGHT_BITS} per output column.
     * TableQuantizer scales per column of a {@code [rows][N]} array, so the weights go in
     * transposed, and the result is in that {@code [D][N]} layout.
     */
    private static TableQuantizer.QuantizedTable quantizeWeights(float[] w, int units) {
        int d = w.length / units;
        float[] columns = new float[w.length];
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < d; i++) {
                columns[i * units + j] = w[j * d + i];
            }
        }
        return TableQuantizer.quantize(columns, units, WEIGHT_BITS);
    }

    /**
     * The datapath adds in a fixed order and saturates after each add; when the bias plus the
     * largest possible sum fits the accumulator no add can saturate, which makes the sum
     * independent of order and lets the batched simulation match the sequential engine.
     */
    private static void checkAccumulator(String layer, int column, long bias, long largestSum)
            throws LoweringException {
        long limit = (1L << (ACCUMULATOR_BITS - 1)) - 1;
        if (Math.abs(bias) + largestSum > limit) {
            throw new LoweringException("layer " + layer + ", column " + column + ": bias " + bias
                    + " plus the largest sum " + largestSum + " can overflow the " + ACCUMULATOR_BITS
                    + "-bit accumulator; lower tableBits or the table's scale");
        }
    }

    private static ConvGeometry geometry(Shape kernel, Shape stride, Shape padding, Shape dilation) {
        return new ConvGeometry(ints(kernel), ints(stride), ints(padding), ints(dilation));
    }

    private static int[] ints(Shape s) {
        return new int[] {(int) s.get(0), (int) s.get(1)};
    }
}
