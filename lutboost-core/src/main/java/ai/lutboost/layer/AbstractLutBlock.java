package ai.lutboost.layer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What {@link LutLinear} and {@link LutConv2d} share: the parameters ({@code weight},
 * {@code bias}, {@code centroids [C, K, v]}, {@code log_temperature [1]}), the mode, the frozen
 * table and its persistence, and a forward pass scoped so that nothing leaks.
 *
 * <p>The dense weight is viewed as {@code [N, D]} (a conv's {@code [N, C_in, kh, kw]} flattens to
 * that in im2col order), so the tables {@code T_j = P_j W_j} are computed the same way for both.
 */
public abstract class AbstractLutBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    protected final String name;
    protected final LayerSpec spec;
    protected LutMode mode;
    protected long inputLength;
    protected int codebooks;
    private NDArray frozenTable;

    protected final Parameter weight;
    protected final Parameter bias;
    protected final Parameter centroids;
    protected final Parameter logTemperature;

    /**
     * Registers the parameters.
     *
     * @param name the layer's name, for messages
     * @param spec how the input is quantized
     * @param mode the initial forward mode
     */
    protected AbstractLutBlock(String name, LayerSpec spec, LutMode mode) {
        super(VERSION);
        this.name = name;
        this.spec = spec;
        this.mode = mode;
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
     * Returns the number of outputs {@code N}.
     *
     * @return the output size
     */
    protected abstract long units();

    /**
     * The layer's map on its parameters' values.
     *
     * @param input the input
     * @param weight the weight
     * @param bias the bias
     * @param centroids {@code [C, K, v]}
     * @param temperature the inverse temperature (already exponentiated), shape {@code [1]}
     * @param table the frozen table {@code [C, K, N]}, or null
     * @return the output
     */
    protected abstract NDArray lut(
            NDArray input, NDArray weight, NDArray bias, NDArray centroids, NDArray temperature, NDArray table);

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
            NDArray out = lut(input, w, b, p, t.exp(), frozenTable);
            out.attach(outer);
            return new NDList(out);
        }
    }

    /**
     * Computes the tables {@code T_j = P_j W_j} from the current centroids and weights.
     *
     * @return {@code [C, K, N]}, attached to the weight's manager
     */
    public NDArray computeTable() {
        long n = units();
        NDArray wt = weight.getArray().reshape(n, inputLength).transpose();
        long padded = (long) codebooks * spec.v();
        if (padded != inputLength) {
            wt = wt.concat(wt.getManager().zeros(new Shape(padded - inputLength, n)), 0);
        }
        return centroids.getArray().matMul(wt.reshape(codebooks, spec.v(), n));
    }

    /**
     * Freezes the layer to a fixed table: from now on the forward pass looks rows up in it, the
     * dense weights no longer take part, and centroids keep training so assignments can adapt.
     *
     * @param table {@code [C, K, N]}
     */
    public void freezeTable(NDArray table) {
        Shape expected = new Shape(codebooks, spec.k(), units());
        Preconditions.checkArgument(
                table.getShape().equals(expected),
                "layer " + name + ": table must be " + expected + ", got " + table.getShape());
        frozenTable = table;
        weight.freeze(true);
    }

    /**
     * Returns the frozen table.
     *
     * @return the table, or null while the layer trains its dense weights
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
     * Returns the dense weight parameter.
     *
     * @return the parameter
     */
    public Parameter getWeight() {
        return weight;
    }

    /**
     * Returns the bias parameter {@code [N]}.
     *
     * @return the parameter
     */
    public Parameter getBias() {
        return bias;
    }

    /**
     * Returns the log inverse-temperature parameter {@code [1]}.
     *
     * @return the parameter
     */
    public Parameter getLogTemperature() {
        return logTemperature;
    }

    /**
     * Records the input length {@code D} and derives the codebook count, checking {@code v}.
     *
     * @param d the input length
     */
    protected void setInputLength(long d) {
        inputLength = d;
        codebooks = spec.codebooks(name, d);
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
                    "layer " + name + ": unsupported " + getClass().getSimpleName() + " version "
                            + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        setInputLength(is.readLong());
        if (is.readBoolean()) {
            frozenTable = NDArray.decode(centroids.getArray().getManager(), is.readNBytes(is.readInt()));
        }
    }
}
