package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The training-side integer simulation of an {@link IntegerModel}: batched DJL tensor code that
 * holds the datapath's integers exactly in float64 (every value stays far below {@code 2^53}), or
 * in float32 where a layer's values provably stay below {@code 2^24}.
 *
 * <p>It is written apart from the engine on purpose and shares none of its arithmetic: agreement
 * between the two, sample by sample, is the evidence that the datapath is implemented as
 * documented. Round-shift by {@code s} is computed as {@code floor((x 2^max(-s,0) + h) /
 * 2^max(s,0))} with {@code h = 2^(s-1)} for {@code s > 0}, which is exact in float64.
 */
public final class IntegerSimulation implements AutoCloseable {

    /** The widest GELU input whose every value the simulation tabulates: 64 Ki entries. */
    private static final int GELU_TABLE_BITS = 16;

    private final IntegerModel model;
    private final NDManager manager;
    private final Map<String, IntegerTensor> tensors;
    private final Map<String, NDArray[]> constants = new HashMap<>();
    private final Map<String, LutLayerSimulation> luts = new HashMap<>();
    /** Per op, the round-shift factors of {@link #roundShift}: per column for layers, scalars for pools and adds. */
    private final Map<String, NDArray[][]> shifts = new HashMap<>();
    /** The outputs that {@link #logits} computes at one token, to that token ({@link OneTokenOps}). */
    private final Map<String, Integer> oneToken;

    /**
     * Prepares a simulation: uploads every op's integers as float64 tensors, or float32 for the
     * layers whose products and sums float32 holds exactly ({@link LutLayerSimulation},
     * {@link #exactInFloat32}).
     *
     * @param model the integer model
     * @param parent the manager the simulation's tensors live under
     */
    public IntegerSimulation(IntegerModel model, NDManager parent) {
        this.model = model;
        this.manager = parent.newSubManager();
        this.tensors = model.tensorsByName();
        this.oneToken = OneTokenOps.of(model);
        for (IntegerOp op : model.ops()) {
            if (op instanceof LutLayerOp l) {
                luts.put(l.name(), new LutLayerSimulation(l, tensors.get(l.input()).format(), manager));
                shifts.put(l.name(), new NDArray[][] {columns(l.outputShift(), 0)});
            } else if (op instanceof DenseLayerOp d) {
                DataType type = exactInFloat32(d, tensors.get(d.input()).format().bits())
                        ? DataType.FLOAT32
                        : DataType.FLOAT64;
                NDArray w = IntegerUpload.of(manager, d.weights(), new Shape(d.units(), d.inputLength()), type);
                if (d.conv() == null) {
                    constants.put(d.name(), new NDArray[] {w.transpose(), f64(d.bias(), new Shape(d.units()))});
                    shifts.put(d.name(), new NDArray[][] {columns(d.outputShift(), 0)});
                } else {
                    int[] kernel = d.conv().kernel();
                    long cin = d.inputLength() / ((long) kernel[0] * kernel[1]);
                    constants.put(d.name(), new NDArray[] {w.reshape(d.units(), cin, kernel[0], kernel[1]),
                        f64(d.bias(), new Shape(1, d.units(), 1, 1))});
                    shifts.put(d.name(), new NDArray[][] {columns(d.outputShift(), 2)});
                }
            } else if (op instanceof GlobalAvgPoolOp a) {
                shifts.put(a.name(), new NDArray[][] {scalar(a.shift())});
            } else if (op instanceof AddOp a) {
                shifts.put(a.name(), new NDArray[][] {scalar(a.leftShift()), scalar(a.rightShift())});
            } else if (op instanceof TokenEmbedOp t) {
                constants.put(t.name(), new NDArray[] {f64(t.embedding(), shape(tensors.get(t.output()).shape()))});
                shifts.put(t.name(), new NDArray[][] {scalar(t.shift())});
            } else if (op instanceof GeluOp g && tensors.get(g.input()).format().bits() <= GELU_TABLE_BITS) {
                constants.put(g.name(), new NDArray[] {geluTable(g)});
            } else if (op instanceof LayerNormOp n) {
                Shape d = new Shape(n.gamma().length);
                constants.put(n.name(), new NDArray[] {f64(n.gamma(), d), f64(n.beta(), d)});
            }
        }
    }

    /**
     * GELU of every integer the op's input format holds, by {@link TransformerSimulation#gelu},
     * indexed from the format's least: a batch then looks its values up instead of running the
     * formula's fifteen tensor operations on each of them.
     */
    private NDArray geluTable(GeluOp g) {
        FixedPointFormat in = tensors.get(g.input()).format();
        FixedPointFormat out = tensors.get(g.output()).format();
        double[] inputs = LongStream.rangeClosed(in.minInt(), in.maxInt()).asDoubleStream().toArray();
        try (NDManager scope = manager.newSubManager()) {
            NDArray table = TransformerSimulation.gelu(scope.create(inputs), in.fractionBits(), out.fractionBits(),
                    out.bits());
            table.attach(manager);
            return table;
        }
    }

    /**
     * Whether a dense layer's products and sums may run in float32: with inputs below
     * {@code 2^bits} and weights below {@code 2^weightBits} in magnitude, every partial sum stays
     * within {@code inputLength 2^(bits + weightBits)}. The bias is added afterwards, in float64.
     */
    private static boolean exactInFloat32(DenseLayerOp d, int inputBits) {
        return Math.scalb((double) d.inputLength(), inputBits + d.weightBits()) < (1L << 24);
    }

    private NDArray f64(int[] values, Shape shape) {
        return IntegerUpload.of(manager, values, shape, DataType.FLOAT64);
    }

    /**
     * Quantizes normalized float32 images to the input format: {@code sat(floor(x 2^f + 1/2))}.
     *
     * @param images {@code [B, ...]} float32
     * @return the integers, float64
     */
    public NDArray quantizeInput(NDArray images) {
        FixedPointFormat f = tensors.get(model.input()).format();
        NDArray x = images.toType(DataType.FLOAT64, true).mul(Math.scalb(1.0, f.fractionBits())).add(0.5).floor();
        return x.clip(f.minInt(), f.maxInt());
    }

    /**
     * Runs the model on quantized inputs and returns every tensor.
     *
     * @param input the input integers {@code [B, ...]}, float64
     * @return tensor name to its integers {@code [B, ...]} (images as {@code [B, C, H, W]}), in
     *     graph order, attached to the input's manager
     */
    public Map<String, NDArray> run(NDArray input) {
        return run(input, Map.of());
    }

    /**
     * Runs the ops, those named in {@code single} on one token of each sample: their outputs are
     * {@code [B, 1, N]}, and inputs they read whole are narrowed to that token first.
     */
    private Map<String, NDArray> run(NDArray input, Map<String, Integer> single) {
        Map<String, NDArray> values = new LinkedHashMap<>();
        long batch = input.getShape().get(0);
        int[] inShape = tensors.get(model.input()).shape();
        values.put(model.input(), input.reshape(batched(batch, inShape)));
        for (IntegerOp op : model.ops()) {
            Integer token = single.get(op.output());
            Function<String, NDArray> read = name -> token == null || single.containsKey(name)
                    ? values.get(name)
                    : values.get(name).get(new NDIndex(":, {}:{}, :", token, token + 1));
            NDArray x = read.apply(op.inputs().get(0));
            FixedPointFormat out = tensors.get(op.output()).format();
            int[] outShape = tensors.get(op.output()).shape();
            if (token != null) {
                outShape = new int[] {1, outShape[1]};
            }
            NDArray y;
            if (op instanceof LutLayerOp l) {
                y = lut(l, x, out, outShape);
            } else if (op instanceof DenseLayerOp d) {
                y = dense(d, x, out, outShape);
            } else if (op instanceof MaxPoolOp m) {
                y = Pool.maxPool2d(x, shape(m.kernel()), shape(m.stride()), new Shape(0, 0), false);
            } else if (op instanceof GlobalAvgPoolOp a) {
                y = saturate(roundShift(x.sum(new int[] {2, 3}).mul(a.multiplier()), shifts.get(a.name())[0]), out);
            } else if (op instanceof AddOp a) {
                NDArray[][] f = shifts.get(a.name());
                NDArray sum = roundShift(x, f[0]).add(roundShift(read.apply(a.right()), f[1]));
                y = relu(saturate(sum, out), a.relu());
            } else if (op instanceof TokenEmbedOp t) {
                y = tokens(t, x, out);
            } else if (op instanceof LayerNormOp n) {
                NDArray[] k = constants.get(n.name());
                y = TransformerSimulation.layerNorm(x, n.epsilon(), k[0], n.gammaFractionBits(), k[1],
                        out.fractionBits(), out.bits());
            } else if (op instanceof AttentionOp a) {
                y = attention(a, x, values.get(a.key()), values.get(a.value()), out);
            } else if (op instanceof GeluOp g) {
                FixedPointFormat in = tensors.get(g.input()).format();
                NDArray[] table = constants.get(g.name());
                y = table == null
                        ? TransformerSimulation.gelu(x, in.fractionBits(), out.fractionBits(), out.bits())
                        : table[0].take(x.getManager(), x.sub(in.minInt()).toType(DataType.INT64, false));
            } else {
                SelectTokenOp t = (SelectTokenOp) op;
                y = x.get(new NDIndex(":, {}, :", single.containsKey(t.input()) ? 0 : t.token()));
            }
            values.put(op.output(), y);
        }
        return values;
    }

    /**
     * Runs the model on normalized float images and returns the logits. Ops whose later readers
     * take one token of their output compute that token alone ({@link OneTokenOps}); the logits
     * are those of {@link #run}.
     *
     * @param images {@code [B, ...]} float32
     * @return the logit integers {@code [B, classes]} as {@code long}s, row-major
     */
    public long[] logits(NDArray images) {
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray in = quantizeInput(images);
            in.attach(scope);
            NDArray out = run(in, oneToken).get(model.output());
            double[] d = out.toDoubleArray();
            long[] l = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                l[i] = (long) d[i];
            }
            return l;
        }
    }

    private NDArray lut(LutLayerOp l, NDArray x, FixedPointFormat out, int[] outShape) {
        LutLayerSimulation layer = luts.get(l.name());
        long batch = x.getShape().get(0);
        if (l.conv() == null) {
            NDArray y = post(l, layer.accumulate(x.reshape(-1, l.inputLength()).transpose()), out);
            return y.reshape(batched(batch, outShape));
        }
        NDArray y = post(l, layer.accumulate(patchColumns(x.toType(layer.searchType(), false), l.conv())), out);
        return y.reshape(batch, outShape[1], outShape[2], outShape[0]).transpose(0, 3, 1, 2);
    }

    private NDArray post(LutLayerOp l, NDArray accumulators, FixedPointFormat out) {
        return relu(saturate(roundShift(accumulators, shifts.get(l.name())[0]), out), l.relu());
    }

    /**
     * A convolution's input patches as columns, {@code [Cin kh kw, B Ho Wo]}: row
     * {@code (cin kh + i) kw + j} holds tap {@code (i, j)} of channel {@code cin}, the order of the
     * layer's inputs, and column {@code (b Ho + ho) Wo + wo} one output position. Each tap is a
     * strided view of the padded input, and one stack copies them all into place.
     */
    private static NDArray patchColumns(NDArray x, ConvGeometry g) {
        Shape s = x.getShape();
        long ho = g.outputExtent(0, (int) s.get(2));
        long wo = g.outputExtent(1, (int) s.get(3));
        int[] k = g.kernel();
        int[] stride = g.stride();
        int[] dilation = g.dilation();
        int[] pad = g.padding();
        // Last axis first, as PyTorch's constant pad takes them.
        NDArray padded = pad[0] == 0 && pad[1] == 0 ? x : x.pad(new Shape(pad[1], pad[1], pad[0], pad[0]), 0);
        NDList taps = new NDList();
        for (int i = 0; i < k[0]; i++) {
            for (int j = 0; j < k[1]; j++) {
                long top = (long) i * dilation[0];
                long left = (long) j * dilation[1];
                taps.add(padded.get(":, :, {}:{}:{}, {}:{}:{}", top, top + (ho - 1) * stride[0] + 1, stride[0], left,
                        left + (wo - 1) * stride[1] + 1, stride[1]).transpose(1, 0, 2, 3));
            }
        }
        return NDArrays.stack(taps, 1).reshape(s.get(1) * k[0] * k[1], s.get(0) * ho * wo);
    }

    private NDArray dense(DenseLayerOp d, NDArray x, FixedPointFormat out, int[] outShape) {
        NDArray[] k = constants.get(d.name());
        NDArray acc;
        if (d.conv() == null) {
            acc = x.reshape(-1, d.inputLength()).toType(k[0].getDataType(), false).matMul(k[0])
                    .toType(DataType.FLOAT64, false).add(k[1])
                    .reshape(batched(x.getShape().get(0), outShape));
        } else {
            ConvGeometry g = d.conv();
            acc = Conv2d.conv2d(x.toType(k[0].getDataType(), false), k[0], null, shape(g.stride()), shape(g.padding()),
                            shape(g.dilation()), 1)
                    .singletonOrThrow()
                    .toType(DataType.FLOAT64, false)
                    .add(k[1]);
        }
        return relu(saturate(roundShift(acc, shifts.get(d.name())[0]), out), d.relu());
    }

    /** Patch embeddings {@code [B, D, H, W]} to tokens {@code [B, T, D]}, with an empty row for the class token. */
    private NDArray tokens(TokenEmbedOp t, NDArray x, FixedPointFormat out) {
        Shape s = x.getShape();
        NDArray patches = roundShift(x.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1), shifts.get(t.name())[0]);
        if (t.classToken()) {
            patches = patches.getManager().zeros(new Shape(s.get(0), 1, s.get(1)), DataType.FLOAT64).concat(patches, 1);
        }
        return saturate(patches.add(constants.get(t.name())[0]), out);
    }

    /** Per head: int8 products, scaled scores, integer softmax, then probabilities times values. */
    private NDArray attention(AttentionOp a, NDArray q, NDArray k, NDArray v, FixedPointFormat out) {
        Shape s = q.getShape();
        NDArray products = splitHeads(q, a.heads()).matMul(splitHeads(k, a.heads()).transpose(0, 1, 3, 2));
        NDArray p = TransformerSimulation.softmax(products.mul(a.multiplier()), a.scoreFractionBits());
        NDArray context = p.matMul(splitHeads(v, a.heads())).transpose(0, 2, 1, 3).reshape(s);
        return saturate(TransformerSimulation.roundShift(context, a.outputShift()), out);
    }

    /** {@code [B, T, D]} to {@code [B, heads, T, D / heads]}: head {@code h} takes the h-th run of columns. */
    private static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    private static Shape shape(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return new Shape(l);
    }

    /** Per-column shifts as three factors broadcast along axis 1, with {@code trailing} unit axes after it. */
    private NDArray[] columns(int[] shift, int trailing) {
        double[] up = new double[shift.length];
        double[] down = new double[shift.length];
        double[] half = new double[shift.length];
        for (int i = 0; i < shift.length; i++) {
            up[i] = Math.scalb(1.0, Math.max(-shift[i], 0));
            down[i] = Math.scalb(1.0, Math.max(shift[i], 0));
            half[i] = shift[i] > 0 ? Math.scalb(1.0, shift[i] - 1) : 0;
        }
        long[] dims = new long[trailing + 1];
        Arrays.fill(dims, 1);
        dims[0] = shift.length;
        Shape s = new Shape(dims);
        return new NDArray[] {manager.create(up, s), manager.create(down, s), manager.create(half, s)};
    }

    private NDArray[] scalar(int shift) {
        return new NDArray[] {
            manager.create(Math.scalb(1.0, Math.max(-shift, 0))),
            manager.create(Math.scalb(1.0, Math.max(shift, 0))),
            manager.create(shift > 0 ? Math.scalb(1.0, shift - 1) : 0.0)};
    }

    private static NDArray roundShift(NDArray x, NDArray[] f) {
        return x.mul(f[0]).add(f[2]).div(f[1]).floor();
    }

    private static NDArray saturate(NDArray x, FixedPointFormat f) {
        return x.clip(f.minInt(), f.maxInt());
    }

    private static NDArray relu(NDArray x, boolean relu) {
        return relu ? x.maximum(0) : x;
    }

    private static Shape batched(long batch, int[] shape) {
        long[] dims = new long[shape.length + 1];
        dims[0] = batch;
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        return new Shape(dims);
    }

    @Override
    public void close() {
        manager.close();
    }
}
