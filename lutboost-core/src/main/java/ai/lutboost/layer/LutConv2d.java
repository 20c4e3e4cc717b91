package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Preconditions;

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
public class LutConv2d extends AbstractLutBlock {

    private final int filters;
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;

    protected LutConv2d(Builder builder) {
        super(builder);
        filters = builder.filters;
        kernel = builder.kernel;
        stride = builder.stride;
        padding = builder.padding;
        dilation = builder.dilation;
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
        Preconditions.checkArgument(
                dense.getGroups() == 1, "layer " + name + ": grouped convolutions are not supported");
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
        lut.bias.getArray().set(
                b != null && b.isInitialized() ? b.getArray().toFloatArray() : new float[dense.getFilters()]);
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
        Shape shape = x.getShape();
        long cin = shape.get(1);
        long kh = kernel.get(0);
        long kw = kernel.get(1);
        long taps = kh * kw;
        // Output channel o copies tap o % taps of its input channel. The kernel is built by the
        // engine, not from a Java array: the convolution's backward pass keeps it (see Scalars).
        NDArray k = x.getManager().eye((int) taps, (int) taps, 0, x.getDataType())
                .tile(new long[] {cin, 1})
                .reshape(cin * taps, 1, kh, kw);
        // A channels-last input (a LUT conv's output is a transposed view) sends this grouped
        // convolution to oneDNN's AVX-512 kernel in PyTorch 2.7.1, which computes channel
        // multipliers above 1 wrongly there (most outputs off; AVX2 and NCHW inputs are exact).
        // Flattening copies such an input into NCHW order and leaves a contiguous one a view.
        NDArray nchw = x.reshape(shape.get(0), -1).reshape(shape);
        return Conv2d.conv2d(nchw, k, null, stride, padding, dilation, (int) cin).singletonOrThrow();
    }

    /**
     * Returns the kernel shape.
     *
     * @return {@code (kh, kw)}
     */
    public Shape getKernelShape() {
        return kernel;
    }

    /**
     * Returns the stride.
     *
     * @return {@code (sh, sw)}
     */
    public Shape getStride() {
        return stride;
    }

    /**
     * Returns the zero padding.
     *
     * @return {@code (ph, pw)}
     */
    public Shape getPadding() {
        return padding;
    }

    /**
     * Returns the dilation.
     *
     * @return {@code (dh, dw)}
     */
    public Shape getDilation() {
        return dilation;
    }

    /** {@inheritDoc} */
    @Override
    protected long units() {
        return filters;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray lut(
            NDArray input, NDArray w, NDArray b, NDArray p, NDArray t, NDArray table, LutMode mode,
            boolean training) {
        Shape out = getOutputShapes(new Shape[] {input.getShape()})[0];
        NDArray y = lutRows(rows(input), w.reshape(filters, -1), b, p, t, table, mode, training);
        return y.reshape(out.get(0), out.get(2), out.get(3), filters).transpose(0, 3, 1, 2);
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray dense(NDArray input, NDArray w, NDArray b) {
        return Conv2d.conv2d(input, w, b, stride, padding, dilation, 1).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray rows(NDArray input) {
        NDArray cols = im2col(input, kernel, stride, padding, dilation);
        Shape cs = cols.getShape();
        return cols.transpose(0, 2, 3, 1).reshape(cs.get(0) * cs.get(2) * cs.get(3), cs.get(1));
    }

    /** {@inheritDoc} */
    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        setInputLength(inputShapes[0].get(1) * kernel.get(0) * kernel.get(1));
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Shape[] inputShapes) {
        long inChannels = inputLength / (kernel.get(0) * kernel.get(1));
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

    /** Builds a {@link LutConv2d}. */
    public static final class Builder extends BaseBuilder<Builder> {

        private int filters;
        private Shape kernel;
        private Shape stride = new Shape(1, 1);
        private Shape padding = new Shape(0, 0);
        private Shape dilation = new Shape(1, 1);

        Builder() {
            super("lut_conv2d");
        }

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

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
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
            checkSpec();
            return new LutConv2d(this);
        }
    }
}
