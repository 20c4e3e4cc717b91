package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Preconditions;
import java.util.function.UnaryOperator;

/**
 * A linear layer whose input is vector-quantized: {@code y = b + sum_j T_j[i_j]} with
 * {@code T_j = P_j W_j} and {@code i_j} the nearest of {@code K} centroids to sub-vector
 * {@code x_j} (DESIGN §1).
 *
 * <p>Input {@code [..., D]}, output {@code [..., N]}. Parameters: {@code weight [N, D]} and
 * {@code bias [N]} as in DJL's {@link Linear}, {@code centroids [C, K, v]} with
 * {@code C = ceil(D / v)}, and {@code log_temperature [1]} (the inverse temperature is its
 * exponential, so it stays positive). Training never builds the tables: it applies the dense
 * weights to the quantized input. After {@link #freezeTable} the layer looks up a fixed table
 * {@code [C, K, N]} instead.
 */
public class LutLinear extends AbstractLutBlock {

    private final long units;

    protected LutLinear(Builder builder) {
        super(builder);
        this.units = builder.units;
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
     * Converts a trained dense layer, copying its weights and bias; centroids start random until
     * k-means initializes them.
     *
     * @param manager the manager for the copied arrays
     * @param dense an initialized {@link Linear}
     * @param name the layer's name, for messages
     * @param spec how to quantize its input
     * @return the LUT layer, initialized
     * @throws IllegalArgumentException if the dense layer is not initialized or {@code v} does not
     *     fit its input
     */
    public static LutLinear fromDense(NDManager manager, Linear dense, String name, LayerSpec spec) {
        Parameter w = dense.getParameters().get("weight");
        Preconditions.checkArgument(
                w != null && w.isInitialized(), "layer " + name + ": the Linear layer must be initialized");
        Shape ws = w.getArray().getShape();
        LutLinear lut = builder().setName(name).setUnits(ws.get(0)).setSpec(spec).build();
        lut.initialize(manager, DataType.FLOAT32, new Shape(1, ws.get(1)));
        lut.weight.getArray().set(w.getArray().toFloatArray());
        Parameter b = dense.getParameters().get("bias");
        if (b != null && b.isInitialized()) {
            lut.bias.getArray().set(b.getArray().toFloatArray());
        } else {
            lut.bias.getArray().set(new float[(int) ws.get(0)]);
        }
        return lut;
    }

    /**
     * The LUT linear map on a 2-D input.
     *
     * @param x input {@code [R, D]}
     * @param centroids {@code [C, K, v]}
     * @param weight {@code [N, D]}
     * @param bias {@code [N]}
     * @param temperature inverse temperature, shape {@code [1]}
     * @param metric the distance
     * @param mode the assignment
     * @param table a frozen table {@code [C, K, N]}, or null to use the dense weights
     * @return {@code [R, N]}
     */
    public static NDArray lutLinear(
            NDArray x, NDArray centroids, NDArray weight, NDArray bias, NDArray temperature,
            Metric metric, LutMode mode, NDArray table) {
        long c = centroids.getShape().get(0);
        long v = centroids.getShape().get(2);
        if (table != null) {
            return LutMath.lookup(subVectors(x, c, v), centroids, table, temperature, metric, mode).add(bias);
        }
        return lutLinear(x, weight, bias, c, v, sub -> LutMath.quantize(sub, centroids, temperature, metric, mode));
    }

    /**
     * The LUT linear map on a 2-D input with a given quantizer: the dense product on the
     * quantized input.
     *
     * @param x input {@code [R, D]}
     * @param weight {@code [N, D]}
     * @param bias {@code [N]}
     * @param codebooks {@code C}
     * @param v the sub-vector length
     * @param quantizer maps sub-vectors {@code [C, R, v]} to their quantized values
     * @return {@code [R, N]}
     */
    public static NDArray lutLinear(
            NDArray x, NDArray weight, NDArray bias, long codebooks, long v, UnaryOperator<NDArray> quantizer) {
        long rows = x.getShape().get(0);
        long d = x.getShape().get(1);
        NDArray quantized = quantizer.apply(subVectors(x, codebooks, v))
                .transpose(1, 0, 2).reshape(rows, codebooks * v);
        if (codebooks * v != d) {
            quantized = quantized.get(new NDIndex(":, :{}", d));
        }
        return Linear.linear(quantized, weight, bias).singletonOrThrow();
    }

    /** Splits {@code [R, D]} into {@code [C, R, v]}, zero-padding the last sub-vector. */
    static NDArray subVectors(NDArray x, long c, long v) {
        long rows = x.getShape().get(0);
        long d = x.getShape().get(1);
        NDArray padded = x;
        if (c * v != d) {
            padded = x.concat(x.getManager().zeros(new Shape(rows, c * v - d), x.getDataType()), 1);
        }
        return padded.reshape(rows, c, v).transpose(1, 0, 2);
    }

    /** {@inheritDoc} */
    @Override
    protected long units() {
        return units;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray dense(NDArray input, NDArray w, NDArray b) {
        return Linear.linear(input, w, b).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray rows(NDArray input) {
        return input.reshape(-1, inputLength);
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray lut(
            NDArray input, NDArray w, NDArray b, NDArray p, NDArray t, NDArray table, LutMode mode,
            boolean training) {
        Shape shape = input.getShape();
        NDArray y = lutRows(rows(input), w, b, p, t, table, mode, training);
        return y.reshape(shape.slice(0, shape.dimension() - 1).add(units));
    }

    /** {@inheritDoc} */
    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        Shape in = inputShapes[0];
        setInputLength(in.get(in.dimension() - 1));
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(units, inputLength));
        bias.setShape(new Shape(units));
        centroids.setShape(new Shape(codebooks, spec.k(), spec.v()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(units)};
    }

    /** Builds a {@link LutLinear}. */
    public static final class Builder extends BaseBuilder<Builder> {

        private long units;

        Builder() {
            super("lut_linear");
        }

        /**
         * Sets the output size {@code N}.
         *
         * @param units the output size
         * @return this builder
         */
        public Builder setUnits(long units) {
            this.units = units;
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
        public LutLinear build() {
            Preconditions.checkArgument(units > 0, "layer " + name + ": units must be positive");
            checkSpec();
            return new LutLinear(this);
        }
    }
}
