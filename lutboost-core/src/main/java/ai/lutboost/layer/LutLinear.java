package ai.lutboost.layer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

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
public class LutLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final long units;
    private final LayerSpec spec;
    private LutMode mode;
    private long inputLength;
    private int codebooks;
    private NDArray frozenTable;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter centroids;
    private final Parameter logTemperature;

    protected LutLinear(Builder builder) {
        super(VERSION);
        this.name = builder.name;
        this.units = builder.units;
        this.spec = builder.spec;
        this.mode = builder.mode;
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
        long rows = x.getShape().get(0);
        long d = x.getShape().get(1);
        long c = centroids.getShape().get(0);
        long v = centroids.getShape().get(2);
        NDArray padded = x;
        if (c * v != d) {
            padded = x.concat(x.getManager().zeros(new Shape(rows, c * v - d), x.getDataType()), 1);
        }
        NDArray sub = padded.reshape(rows, c, v).transpose(1, 0, 2);
        if (table != null) {
            return LutMath.lookup(sub, centroids, table, temperature, metric, mode).add(bias);
        }
        NDArray quantized = LutMath.quantize(sub, centroids, temperature, metric, mode)
                .transpose(1, 0, 2).reshape(rows, c * v);
        if (c * v != d) {
            quantized = quantized.get(new NDIndex(":, :{}", d));
        }
        return Linear.linear(quantized, weight, bias).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDManager outer = input.getManager();
        // Ops whose first operand is a parameter would attach their results to the model's
        // long-lived manager and leak (DESIGN §9): compute in a scope, keep only the output.
        try (NDManager scope = outer.newSubManager()) {
            NDArray w = ps.getValue(weight, input.getDevice(), training);
            NDArray b = ps.getValue(bias, input.getDevice(), training);
            NDArray p = ps.getValue(centroids, input.getDevice(), training);
            NDArray t = ps.getValue(logTemperature, input.getDevice(), training);
            scope.tempAttachAll(input, w, b, p, t);
            if (frozenTable != null) {
                scope.tempAttachAll(frozenTable);
            }
            Shape shape = input.getShape();
            NDArray x2 = input.reshape(-1, inputLength);
            NDArray y = lutLinear(x2, p, w, b, t.exp(), spec.metric(), mode, frozenTable);
            NDArray out = y.reshape(shape.slice(0, shape.dimension() - 1).add(units));
            out.attach(outer);
            return new NDList(out);
        }
    }

    /**
     * Computes the tables {@code T_j = P_j W_j} from the current centroids and weights.
     *
     * @return {@code [C, K, N]}, attached to the centroids' manager
     */
    public NDArray computeTable() {
        NDArray p = centroids.getArray();
        NDArray w = weight.getArray();
        long v = spec.v();
        long padded = (long) codebooks * v;
        NDArray wt = w.transpose();
        if (padded != inputLength) {
            wt = wt.concat(w.getManager().zeros(new Shape(padded - inputLength, units)), 0);
        }
        return p.matMul(wt.reshape(codebooks, v, units));
    }

    /**
     * Freezes the layer to a fixed table: from now on the forward pass looks rows up in it, and
     * the dense weights no longer take part.
     *
     * @param table {@code [C, K, N]}
     */
    public void freezeTable(NDArray table) {
        Preconditions.checkArgument(
                table.getShape().equals(new Shape(codebooks, spec.k(), units)),
                "layer " + name + ": table must be " + new Shape(codebooks, spec.k(), units) + ", got " + table.getShape());
        frozenTable = table;
        weight.freeze(true);
    }

    /**
     * Returns the frozen table, if any.
     *
     * @return the table or null
     */
    public NDArray getFrozenTable() {
        return frozenTable;
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
     * Returns the layer's name.
     *
     * @return the name
     */
    public String getName() {
        return name;
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
     * Returns the weight parameter {@code [N, D]}.
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
        Shape in = inputShapes[0];
        inputLength = in.get(in.dimension() - 1);
        codebooks = spec.codebooks(name, inputLength);
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

    /** {@inheritDoc} */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeLong(inputLength);
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
                    "layer " + name + ": unsupported LutLinear version " + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        inputLength = is.readLong();
        codebooks = spec.codebooks(name, inputLength);
        if (is.readBoolean()) {
            byte[] encoded = is.readNBytes(is.readInt());
            frozenTable = NDArray.decode(centroids.getArray().getManager(), encoded);
        }
    }

    /** Builds a {@link LutLinear}. */
    public static final class Builder {

        private String name = "lut_linear";
        private long units;
        private LayerSpec spec;
        private LutMode mode = LutMode.STRAIGHT_THROUGH;

        Builder() {}

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

        /**
         * Sets how the input is quantized.
         *
         * @param spec the spec
         * @return this builder
         */
        public Builder setSpec(LayerSpec spec) {
            this.spec = spec;
            return this;
        }

        /**
         * Sets the layer's name for messages; {@code lut_linear} when not set.
         *
         * @param name the name
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
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
        public LutLinear build() {
            Preconditions.checkArgument(units > 0, "layer " + name + ": units must be positive");
            Preconditions.checkArgument(spec != null, "layer " + name + ": a LayerSpec is required");
            return new LutLinear(this);
        }
    }
}
