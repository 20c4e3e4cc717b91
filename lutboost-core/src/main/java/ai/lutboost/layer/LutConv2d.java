package ai.lutboost.layer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A 2-D convolution whose im2col patches are vector-quantized: the {@link LutLinear} map applied
 * at every output position, with {@code D = C_in * kh * kw} in {@link Conv2d}'s weight order
 * (input channel, then kernel row, then kernel column).
 *
 * <p>Input {@code [B, C_in, H, W]}, output {@code [B, N, H_out, W_out]} with stride, padding and
 * dilation as {@link Conv2d} has them. Parameters: {@code weight [N, C_in, kh, kw]},
 * {@code bias [N]}, {@code centroids [C, K, v]}, {@code log_temperature [1]}. DJL has no unfold
 * op, so patches come from a grouped convolution with a fixed one-hot kernel, which copies each
 * input value into its patch position exactly (DESIGN §9).
 */
public class LutConv2d extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final int filters;
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;
    private final LayerSpec spec;
    private LutMode mode;
    private long inChannels;
    private int codebooks;
    private NDArray frozenTable;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter centroids;
    private final Parameter logTemperature;

    protected LutConv2d(Builder builder) {
        super(VERSION);
        name = builder.name;
        filters = builder.filters;
        kernel = builder.kernel;
        stride = builder.stride;
        padding = builder.padding;
        dilation = builder.dilation;
        spec = builder.spec;
        mode = builder.mode;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
        centroids = addParameter(
                Parameter.builder()
                        .setName("centroids")
                        .setType(Parameter.Type.WEIGHT)
                        .optInitializer(new NormalInitializer(1f))
                        .build());
        logTemperature = addParameter(
                Parameter.builder()
                        .setName("log_temperature")
                        .setType(Parameter.Type.OTHER)
                        .optShape(new Shape(1))
                        .optInitializer(new ConstantInitializer(0f))
                        .build());
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Converts a trained convolution, copying its weights and bias.
     *
     * @param manager the manager for the copied arrays
     * @param dense an initialized {@link Conv2d} with one group
     * @param name the layer's name, for messages
     * @param spec how to quantize its patches
     * @return the LUT layer, initialized
     */
    public static LutConv2d fromDense(NDManager manager, Conv2d dense, String name, LayerSpec spec) {
        Parameter w = dense.getParameters().get("weight");
        Preconditions.checkArgument(
                w != null && w.isInitialized(), "layer " + name + ": the Conv2d layer must be initialized");
        Preconditions.checkArgument(dense.getGroups() == 1, "layer " + name + ": grouped convolutions are not supported");
        Shape ws = w.getArray().getShape();
        LutConv2d lut = builder()
                .setName(name)
                .setFilters(dense.getFilters())
                .setKernelShape(dense.getKernelShape())
                .optStride(dense.getStride())
                .optPadding(dense.getPadding())
                .optDilation(dense.getDilation())
                .setSpec(spec)
                .build();
        lut.initialize(manager, DataType.FLOAT32, new Shape(1, ws.get(1), 64, 64));
        lut.weight.getArray().set(w.getArray().toFloatArray());
        Parameter b = dense.getParameters().get("bias");
        lut.bias.getArray().set(b != null && b.isInitialized() ? b.getArray().toFloatArray() : new float[dense.getFilters()]);
        return lut;
    }

    /**
     * Extracts im2col patches with a grouped convolution whose kernel is one-hot.
     *
     * @param x input {@code [B, C_in, H, W]}
     * @param kernel {@code (kh, kw)}
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @return {@code [B, C_in * kh * kw, H_out, W_out]}, patch elements in {@link Conv2d}'s
     *     weight order
     */
    public static NDArray im2col(NDArray x, Shape kernel, Shape stride, Shape padding, Shape dilation) {
        long cin = x.getShape().get(1);
        long kh = kernel.get(0);
        long kw = kernel.get(1);
        long taps = kh * kw;
        float[] onehot = new float[(int) (cin * taps * taps)];
        for (int o = 0; o < cin * taps; o++) {
            onehot[(int) (o * taps + o % taps)] = 1f;
        }
        NDArray k = x.getManager().create(onehot, new Shape(cin * taps, 1, kh, kw)).toType(x.getDataType(), false);
        return Conv2d.conv2d(x, k, null, stride, padding, dilation, (int) cin).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDManager outer = input.getManager();
        try (NDManager scope = outer.newSubManager()) {
            NDArray w = ps.getValue(weight, input.getDevice(), training);
            NDArray b = ps.getValue(bias, input.getDevice(), training);
            NDArray p = ps.getValue(centroids, input.getDevice(), training);
            NDArray t = ps.getValue(logTemperature, input.getDevice(), training);
            scope.tempAttachAll(input, w, b, p, t);
            if (frozenTable != null) {
                scope.tempAttachAll(frozenTable);
            }
            NDArray cols = im2col(input, kernel, stride, padding, dilation);
            Shape cs = cols.getShape();
            long batch = cs.get(0);
            long ho = cs.get(2);
            long wo = cs.get(3);
            NDArray rows = cols.transpose(0, 2, 3, 1).reshape(batch * ho * wo, cs.get(1));
            NDArray y = LutLinear.lutLinear(
                    rows, p, w.reshape(filters, -1), b, t.exp(), spec.metric(), mode, frozenTable);
            NDArray out = y.reshape(batch, ho, wo, filters).transpose(0, 3, 1, 2);
            out.attach(outer);
            return new NDList(out);
        }
    }

    /**
     * Computes the tables {@code T_j = P_j W_j} from the current centroids and weights.
     *
     * @return {@code [C, K, N]}
     */
    public NDArray computeTable() {
        NDArray p = centroids.getArray();
        NDArray wt = weight.getArray().reshape(filters, -1).transpose();
        long d = wt.getShape().get(0);
        long padded = (long) codebooks * spec.v();
        if (padded != d) {
            wt = wt.concat(wt.getManager().zeros(new Shape(padded - d, filters)), 0);
        }
        return p.matMul(wt.reshape(codebooks, spec.v(), filters));
    }

    /**
     * Freezes the layer to a fixed table {@code [C, K, N]}.
     *
     * @param table the table
     */
    public void freezeTable(NDArray table) {
        Shape expected = new Shape(codebooks, spec.k(), filters);
        Preconditions.checkArgument(
                table.getShape().equals(expected), "layer " + name + ": table must be " + expected + ", got " + table.getShape());
        frozenTable = table;
        weight.freeze(true);
    }

    /**
     * Sets the forward mode.
     *
     * @param mode hard, soft or straight-through
     */
    public void setMode(LutMode mode) {
        this.mode = mode;
    }

    /**
     * Returns the spec.
     *
     * @return the spec
     */
    public LayerSpec getSpec() {
        return spec;
    }

    /**
     * Returns the centroids parameter {@code [C, K, v]}.
     *
     * @return the parameter
     */
    public Parameter getCentroids() {
        return centroids;
    }

    /**
     * Returns the weight parameter {@code [N, C_in, kh, kw]}.
     *
     * @return the parameter
     */
    public Parameter getWeight() {
        return weight;
    }

    /**
     * Returns the log inverse-temperature parameter {@code [1]}.
     *
     * @return the parameter
     */
    public Parameter getLogTemperature() {
        return logTemperature;
    }

    /** {@inheritDoc} */
    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        inChannels = inputShapes[0].get(1);
        codebooks = spec.codebooks(name, inChannels * kernel.get(0) * kernel.get(1));
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inChannels, kernel.get(0), kernel.get(1)));
        bias.setShape(new Shape(filters));
        centroids.setShape(new Shape(codebooks, spec.k(), spec.v()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            long extent = dilation.get(i) * (kernel.get(i) - 1) + 1;
            out[i] = (in.get(2 + i) + 2 * padding.get(i) - extent) / stride.get(i) + 1;
        }
        return new Shape[] {new Shape(in.get(0), filters, out[0], out[1])};
    }

    /** {@inheritDoc} */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeLong(inChannels);
        os.writeBoolean(frozenTable != null);
        if (frozenTable != null) {
            byte[] encoded = frozenTable.encode();
            os.writeInt(encoded.length);
            os.write(encoded);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException(
                    "layer " + name + ": unsupported LutConv2d version " + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        inChannels = is.readLong();
        codebooks = spec.codebooks(name, inChannels * kernel.get(0) * kernel.get(1));
        if (is.readBoolean()) {
            frozenTable = NDArray.decode(centroids.getArray().getManager(), is.readNBytes(is.readInt()));
        }
    }

    /** Builds a {@link LutConv2d}. */
    public static final class Builder {

        private String name = "lut_conv2d";
        private int filters;
        private Shape kernel;
        private Shape stride = new Shape(1, 1);
        private Shape padding = new Shape(0, 0);
        private Shape dilation = new Shape(1, 1);
        private LayerSpec spec;
        private LutMode mode = LutMode.STRAIGHT_THROUGH;

        Builder() {}

        /**
         * Sets the number of output channels.
         *
         * @param filters output channels
         * @return this builder
         */
        public Builder setFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /**
         * Sets the kernel shape {@code (kh, kw)}.
         *
         * @param kernel the kernel shape
         * @return this builder
         */
        public Builder setKernelShape(Shape kernel) {
            this.kernel = kernel;
            return this;
        }

        /**
         * Sets how patches are quantized.
         *
         * @param spec the spec
         * @return this builder
         */
        public Builder setSpec(LayerSpec spec) {
            this.spec = spec;
            return this;
        }

        /**
         * Sets the layer's name for messages.
         *
         * @param name the name
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the stride; {@code (1, 1)} when not set.
         *
         * @param stride the stride
         * @return this builder
         */
        public Builder optStride(Shape stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets the zero padding; {@code (0, 0)} when not set.
         *
         * @param padding the padding
         * @return this builder
         */
        public Builder optPadding(Shape padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Sets the dilation; {@code (1, 1)} when not set.
         *
         * @param dilation the dilation
         * @return this builder
         */
        public Builder optDilation(Shape dilation) {
            this.dilation = dilation;
            return this;
        }

        /**
         * Sets the forward mode; straight-through when not set.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder optMode(LutMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public LutConv2d build() {
            Preconditions.checkArgument(filters > 0, "layer " + name + ": filters must be positive");
            Preconditions.checkArgument(
                    kernel != null && kernel.dimension() == 2, "layer " + name + ": a 2-D kernel shape is required");
            Preconditions.checkArgument(spec != null, "layer " + name + ": a LayerSpec is required");
            return new LutConv2d(this);
        }
    }
}
