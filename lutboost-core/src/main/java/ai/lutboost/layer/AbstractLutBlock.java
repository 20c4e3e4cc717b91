package ai.lutboost.layer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@link LutLinear} and {@link LutConv2d} share: the parameters ({@code weight},
 * {@code bias}, {@code centroids [C, K, v]}, {@code log_temperature [1]}), the mode, the frozen
 * table and its persistence, and a forward pass scoped so that nothing leaks.
 *
 * <p>The dense weight is viewed as {@code [N, D]} (a conv's {@code [N, C_in, kh, kw]} flattens to
 * that in im2col order), so the tables {@code T_j = P_j W_j} are computed the same way for both.
 */
public abstract class AbstractLutBlock extends AbstractBlock {

    private static final byte VERSION = 4;
    /** Version 3 had no hard-estimator counters, version 2 no input quantization; both still load. */
    private static final byte VERSION_WITHOUT_COUNTERS = 3;
    private static final byte VERSION_WITHOUT_QUANTIZATION = 2;

    protected final String name;
    protected final LayerSpec spec;
    protected LutMode mode;
    private Estimator estimator;
    protected long inputLength;
    protected int codebooks;
    private NDArray frozenTable;
    private int[] tableFractionBits;
    private InputQuantization inputQuantization;
    private Consumer<NDArray> inputListener;
    private List<NDArray> reconstructionErrors;
    private List<NDArray> estimatorLosses;
    private final HardStraightThrough hard;

    protected final Parameter weight;
    protected final Parameter bias;
    protected final Parameter centroids;
    protected final Parameter logTemperature;

    /**
     * Registers the parameters.
     *
     * @param builder the name, spec and initial mode
     */
    protected AbstractLutBlock(BaseBuilder<?> builder) {
        super(VERSION);
        this.name = builder.name;
        this.spec = builder.spec;
        this.mode = builder.mode;
        this.estimator = builder.spec.estimator();
        this.hard = new HardStraightThrough(builder.name);
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
     * The dense layer this LUT layer came from, on the raw input ({@link LutMode#DENSE}).
     *
     * @param input the input
     * @param weight the weight
     * @param bias the bias
     * @return the output
     */
    protected abstract NDArray dense(NDArray input, NDArray weight, NDArray bias);

    /**
     * The rows the layer quantizes: the input flattened to {@code [R, D]} (for a convolution,
     * its im2col patches, one row per output position).
     *
     * @param input the layer's input
     * @return {@code [R, D]}
     */
    public abstract NDArray rows(NDArray input);

    /**
     * Splits rows into the sub-vectors of each codebook, zero-padding the last one if the spec
     * pads.
     *
     * @param rows {@code [R, D]}
     * @return {@code [C, R, v]}
     */
    public NDArray subVectors(NDArray rows) {
        return LutLinear.subVectors(rows, codebooks, spec.v());
    }

    /**
     * The layer's map on its parameters' values.
     *
     * @param input the input
     * @param weight the weight
     * @param bias the bias
     * @param centroids {@code [C, K, v]}
     * @param temperature the inverse temperature (already exponentiated), shape {@code [1]}
     * @param table the frozen table {@code [C, K, N]}, or null
     * @param mode hard, soft or straight-through
     * @param training whether this is a training step
     * @return the output
     */
    protected abstract NDArray lut(
            NDArray input, NDArray weight, NDArray bias, NDArray centroids, NDArray temperature, NDArray table,
            LutMode mode, boolean training);

    /**
     * The LUT map on rows, which both layers compute after their own reshaping: straight-through
     * with the layer's estimator. A frozen table has no dense weights for the hard estimator's
     * straight-through product, so training around it keeps the soft estimator.
     *
     * @param rows {@code [R, D]}
     * @param w the weight as {@code [N, D]}
     * @param b the bias
     * @param p the centroids' values
     * @param t the inverse temperature
     * @param table the frozen table, or null
     * @param mode the mode
     * @param training whether this is a training step
     * @return {@code [R, N]}
     */
    protected NDArray lutRows(
            NDArray rows, NDArray w, NDArray b, NDArray p, NDArray t, NDArray table, LutMode mode, boolean training) {
        if (mode == LutMode.STRAIGHT_THROUGH && table == null && estimator == Estimator.HARD) {
            return LutLinear.lutLinear(rows, w, b, codebooks, spec.v(),
                    sub -> hard.quantize(sub, p, centroids, spec.metric(), training,
                            training && estimatorLosses != null));
        }
        return LutLinear.lutLinear(rows, p, w, b, t, spec.metric(), mode, table);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, input.getDevice(), training);
        NDArray b = ps.getValue(bias, input.getDevice(), training);
        NDArray p = ps.getValue(centroids, input.getDevice(), training);
        NDArray t = ps.getValue(logTemperature, input.getDevice(), training);
        return new NDList(compute(input, w, b, p, t, mode, true, training));
    }

    /**
     * Computes the layer's output in a given mode from the parameters' current values, outside
     * training and without notifying listeners: for measurements taken during another forward
     * pass.
     *
     * @param input the layer's input
     * @param mode the mode
     * @return the output, attached to the input's manager
     */
    public NDArray apply(NDArray input, LutMode mode) {
        return compute(input, weight.getArray(), bias.getArray(), centroids.getArray(),
                logTemperature.getArray(), mode, false, false);
    }

    private NDArray compute(
            NDArray input, NDArray w, NDArray b, NDArray p, NDArray t, LutMode how, boolean notify,
            boolean training) {
        NDManager outer = input.getManager();
        // Taken before the scope below borrows the parameters' arrays.
        NDManager parameters = centroids.getArray().getManager();
        // Ops whose first operand is a parameter would attach their results to the model's
        // long-lived manager and leak (DESIGN §9): compute in a scope, keep only the output.
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(input, w, b, p, t);
            if (frozenTable != null) {
                scope.tempAttachAll(frozenTable);
            }
            if (notify && inputListener != null) {
                inputListener.accept(input);
            }
            NDArray out = how == LutMode.DENSE
                    ? dense(input, w, b)
                    : lut(onGrid(input, training), w, onBiasGrid(b, training), onGrid(p, training), t.exp(), frozenTable,
                            how, training);
            NDArray term = hard.takeLoss();
            if (term != null) {
                // A block around this one may compute in a scope of its own and close it before
                // the loss is formed (the ViT's attention does): the term waits on the
                // parameters' manager until whoever takes it attaches it to its step.
                term.attach(parameters);
                estimatorLosses.add(term);
            }
            if (training && reconstructionErrors != null && how != LutMode.DENSE) {
                NDArray target = dense(input, w, b).stopGradient();
                NDArray error = out.sub(target).square().sum().div(target.square().sum().add(1e-12f));
                error.attach(outer);
                reconstructionErrors.add(error);
            }
            out.attach(outer);
            return out;
        }
    }

    /** The values the nearest-centroid search sees: rounded to the input grid when one is set. */
    private NDArray onGrid(NDArray x, boolean training) {
        return inputQuantization == null ? x : inputQuantization.round(x, training);
    }

    /**
     * The bias the datapath adds: with a fixed-point table, each column's bias rounded half up to
     * that column's table fraction, where the accumulator starts (straight-through in training).
     */
    private NDArray onBiasGrid(NDArray b, boolean training) {
        if (tableFractionBits == null) {
            return b;
        }
        double[] scale = new double[tableFractionBits.length];
        for (int j = 0; j < scale.length; j++) {
            scale[j] = Math.scalb(1.0, tableFractionBits[j]);
        }
        NDArray s = b.getManager().create(scale);
        NDArray q = b.toType(DataType.FLOAT64, false).mul(s).add(0.5).floor().div(s).toType(b.getDataType(), false);
        return training ? b.add(q.sub(b).stopGradient()) : q;
    }

    /**
     * Computes the tables {@code T_j = P_j W_j} from the current centroids and weights.
     *
     * @return {@code [C, K, N]}, attached to the weight's manager
     */
    public NDArray computeTable() {
        long n = units();
        NDManager outer = weight.getArray().getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(weight.getArray(), centroids.getArray());
            NDArray wt = weight.getArray().reshape(n, inputLength).transpose();
            long padded = (long) codebooks * spec.v();
            if (padded != inputLength) {
                wt = wt.concat(wt.getManager().zeros(new Shape(padded - inputLength, n)), 0);
            }
            NDArray table = centroids.getArray().matMul(wt.reshape(codebooks, spec.v(), n));
            table.attach(outer);
            return table;
        }
    }

    /**
     * Freezes the layer to a fixed table: from now on the forward pass looks rows up in it, the
     * dense weights no longer take part, and centroids keep training so assignments can adapt.
     *
     * @param table {@code [C, K, N]}
     */
    public void freezeTable(NDArray table) {
        freezeTable(table, null);
    }

    /**
     * Freezes the layer to a fixed-point table: each value is {@code q * 2^-f} for an integer
     * {@code q} of {@code tableBits} bits and the fractional bits {@code f} of its output column.
     *
     * @param table {@code [C, K, N]}, already quantized
     * @param fractionBits {@code f} per output column {@code [N]}, or null for a float table
     */
    public void freezeTable(NDArray table, int[] fractionBits) {
        Shape expected = new Shape(codebooks, spec.k(), units());
        Preconditions.checkArgument(
                table.getShape().equals(expected),
                "layer " + name + ": table must be " + expected + ", got " + table.getShape());
        Preconditions.checkArgument(
                fractionBits == null || fractionBits.length == units(),
                "layer " + name + ": one fraction width per output column is needed");
        frozenTable = table;
        tableFractionBits = fractionBits == null ? null : fractionBits.clone();
        weight.freeze(true);
    }

    /**
     * Returns the fractional bits of each output column of a fixed-point frozen table.
     *
     * @return {@code [N]}, or null if the table is not frozen or not fixed point
     */
    public int[] getTableFractionBits() {
        return tableFractionBits == null ? null : tableFractionBits.clone();
    }

    /**
     * Rounds the input and the centroids to a fixed-point grid in every mode but
     * {@link LutMode#DENSE}, as the datapath does (the freeze stage sets it).
     *
     * @param quantization the grid, or null to search on raw values
     */
    public void setInputQuantization(InputQuantization quantization) {
        this.inputQuantization = quantization;
    }

    /**
     * Returns the grid the input and centroids are rounded to.
     *
     * @return the grid, or null if the layer searches on raw values
     */
    public InputQuantization getInputQuantization() {
        return inputQuantization;
    }

    /**
     * Hands every forward input to a listener (stage 1 and 2 collect calibration inputs so),
     * until set to null.
     *
     * @param listener receives the layer's raw input, or null to stop
     */
    public void setInputListener(Consumer<NDArray> listener) {
        this.inputListener = listener;
    }

    /**
     * Makes every training forward pass also add {@code |y - dense(x)|^2 / |dense(x)|^2} to a list, the
     * dense output taken as a fixed target, until set to null: the loss of stage 2 and the
     * optional reconstruction term of stage 3.
     *
     * @param errors where the errors go, or null to stop
     */
    public void setReconstructionErrors(List<NDArray> errors) {
        this.reconstructionErrors = errors;
    }

    /**
     * Sets the weights of the hard estimator's codebook and commitment terms and its re-seeding
     * interval.
     *
     * @param settings the settings
     */
    public void setHardEstimatorSettings(HardEstimatorSettings settings) {
        hard.setSettings(settings);
    }

    /**
     * Makes every training forward pass with the {@link Estimator#HARD} estimator add its
     * codebook and commitment terms to a list, which the training loss adds, until set to null.
     * The terms belong to the parameters' manager: whoever takes them from the list attaches them
     * to its step's manager, or they stay there.
     *
     * @param losses where the terms go, or null to stop
     */
    public void setEstimatorLosses(List<NDArray> losses) {
        this.estimatorLosses = losses;
    }

    /**
     * Adds the terms a training step's layers left in their list to that step's loss, hands the
     * terms to the step's manager, and empties the list.
     *
     * @param loss the step's loss
     * @param terms the list given to {@link #setEstimatorLosses}
     * @param step the manager the step closes
     * @return the loss with the terms added
     */
    public static NDArray addEstimatorLosses(NDArray loss, List<NDArray> terms, NDManager step) {
        NDArray sum = loss;
        for (NDArray term : terms) {
            sum = sum.add(term);
            term.attach(step);
        }
        terms.clear();
        return sum;
    }

    /**
     * Returns how many centroids the hard estimator re-seeded since the last call.
     *
     * @return the count
     */
    public int takeReseeded() {
        return hard.takeReseeded();
    }

    /**
     * Returns the estimator training uses.
     *
     * @return the spec's estimator, unless {@link #setEstimator} changed it
     */
    public Estimator getEstimator() {
        return estimator;
    }

    /**
     * Changes the estimator training uses, as a recipe's switch-over does for its last finetune
     * epochs.
     *
     * @param estimator the estimator
     */
    public void setEstimator(Estimator estimator) {
        this.estimator = estimator;
    }

    /**
     * Returns the forward mode.
     *
     * @return the mode
     */
    public LutMode getMode() {
        return mode;
    }

    /**
     * Returns the number of codebooks {@code C}.
     *
     * @return {@code ceil(D / v)}
     */
    public int getCodebooks() {
        return codebooks;
    }

    /**
     * Returns the input length {@code D}.
     *
     * @return the length of one row
     */
    public long getInputLength() {
        return inputLength;
    }

    /**
     * Returns the number of outputs {@code N}.
     *
     * @return the output size
     */
    public long getUnits() {
        return units();
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
            os.writeBoolean(tableFractionBits != null);
            if (tableFractionBits != null) {
                for (int f : tableFractionBits) {
                    os.writeInt(f);
                }
            }
        }
        os.writeBoolean(inputQuantization != null);
        if (inputQuantization != null) {
            os.writeInt(inputQuantization.bits());
            os.writeInt(inputQuantization.fractionBits());
        }
        hard.save(os);
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        if (loadVersion != VERSION && loadVersion != VERSION_WITHOUT_COUNTERS
                && loadVersion != VERSION_WITHOUT_QUANTIZATION) {
            throw new MalformedModelException(
                    "layer " + name + ": unsupported " + getClass().getSimpleName() + " version "
                            + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        setInputLength(is.readLong());
        if (is.readBoolean()) {
            frozenTable = NDArray.decode(centroids.getArray().getManager(), is.readNBytes(is.readInt()));
            tableFractionBits = null;
            if (is.readBoolean()) {
                tableFractionBits = new int[(int) units()];
                for (int i = 0; i < tableFractionBits.length; i++) {
                    tableFractionBits[i] = is.readInt();
                }
            }
            weight.freeze(true);
        }
        inputQuantization = null;
        if (loadVersion >= VERSION_WITHOUT_COUNTERS && is.readBoolean()) {
            inputQuantization = new InputQuantization(is.readInt(), is.readInt());
        }
        if (loadVersion >= VERSION) {
            hard.load(is);
        }
    }

    /**
     * What both LUT layers' builders set, in the manner of DJL's {@code ConvolutionBuilder}.
     *
     * @param <T> the concrete builder, returned by the setters
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {

        protected String name;
        protected LayerSpec spec;
        protected LutMode mode = LutMode.STRAIGHT_THROUGH;

        /**
         * Starts a builder.
         *
         * @param defaultName the name used when none is set
         */
        protected BaseBuilder(String defaultName) {
            this.name = defaultName;
        }

        /**
         * Sets how the input (a convolution's patches) is quantized.
         *
         * @param spec the spec
         * @return this builder
         */
        public T setSpec(LayerSpec spec) {
            this.spec = spec;
            return self();
        }

        /**
         * Sets the layer's name for messages.
         *
         * @param name the name
         * @return this builder
         */
        public T setName(String name) {
            this.name = name;
            return self();
        }

        /**
         * Sets the forward mode; straight-through when not set.
         *
         * @param mode the mode
         * @return this builder
         */
        public T optMode(LutMode mode) {
            this.mode = mode;
            return self();
        }

        /**
         * Fails naming the layer unless a spec was set.
         *
         * @throws IllegalArgumentException if no spec was set
         */
        protected void checkSpec() {
            Preconditions.checkArgument(spec != null, "layer " + name + ": a LayerSpec is required");
        }

        /**
         * Returns this builder as its concrete type.
         *
         * @return this
         */
        protected abstract T self();
    }
}
