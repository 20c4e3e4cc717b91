package ai.lutboost.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adam, AdamW or SGD with momentum whose whole state (moments and step counts) can be saved and
 * restored, so a resumed run continues exactly where the interrupted one stopped.
 *
 * <p>DJL's optimizers keep their state in private maps keyed by parameter ids, which are fresh
 * UUIDs in every process; this one saves its state under the parameters' paths in the block
 * instead and maps them back on load. The arithmetic is DJL's own fused engine update.
 */
public final class ResumableOptimizer extends Optimizer {

    /** The update rule. */
    public enum Kind {
        /** Adam with L2 weight decay. */
        ADAM,
        /** Adam with decoupled weight decay. */
        ADAMW,
        /** Stochastic gradient descent with momentum. */
        SGD
    }

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final Kind kind;
    private final Tracker learningRate;
    private final float weightDecay;
    private final float momentum;
    private final Map<String, Float> rateScale;
    private final Map<String, NDArray> first = new ConcurrentHashMap<>();
    private final Map<String, NDArray> second = new ConcurrentHashMap<>();
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();

    /**
     * Creates an optimizer.
     *
     * @param kind the update rule
     * @param learningRate the rate per step (step counted from 0 for each parameter)
     * @param weightDecay the weight decay
     * @param momentum SGD's momentum (ignored by Adam)
     */
    public ResumableOptimizer(Kind kind, Tracker learningRate, float weightDecay, float momentum) {
        this(kind, learningRate, weightDecay, momentum, Map.of());
    }

    /**
     * Creates an optimizer in which some parameters learn at their own rate: stage 3 trains the
     * LUT layers' temperatures faster than the weights.
     *
     * @param kind the update rule
     * @param learningRate the rate per step (step counted from 0 for each parameter)
     * @param weightDecay the weight decay
     * @param momentum SGD's momentum (ignored by Adam)
     * @param rateScale factors on the learning rate by parameter id; 1 for parameters not listed
     */
    public ResumableOptimizer(
            Kind kind, Tracker learningRate, float weightDecay, float momentum, Map<String, Float> rateScale) {
        super(new Builder());
        this.kind = kind;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.rateScale = Map.copyOf(rateScale);
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = steps.merge(parameterId, 1, Integer::sum);
        float lr = learningRate.getNewValue(t - 1) * rateScale.getOrDefault(parameterId, 1f);
        NDArrayEx ex = weight.getNDArrayInternal();
        if (kind == Kind.SGD) {
            NDArray state = first.computeIfAbsent(parameterId, k -> detachedZeros(weight));
            ex.sgdUpdate(
                    new NDList(weight, grad, state), new NDList(weight), lr, weightDecay, rescaleGrad,
                    clipGrad, momentum, true);
            return;
        }
        double coef1 = 1.0 - Math.pow(BETA1, t);
        double coef2 = 1.0 - Math.pow(BETA2, t);
        float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
        NDArray m = first.computeIfAbsent(parameterId, k -> detachedZeros(weight));
        NDArray v = second.computeIfAbsent(parameterId, k -> detachedZeros(weight));
        ex.adamUpdate(
                new NDList(weight, grad, m, v), new NDList(weight), lr, corrected, weightDecay,
                rescaleGrad, clipGrad, BETA1, BETA2, EPSILON, true, kind == Kind.ADAMW);
    }

    private static NDArray detachedZeros(NDArray weight) {
        NDArray z = weight.zerosLike();
        // Optimizer state lives as long as the run, like DJL's own optimizers' state.
        z.detach();
        return z;
    }

    /**
     * Serialises the state, keyed by parameter path.
     *
     * @param parameters the block's parameters ({@code block.getParameters()})
     * @return the bytes
     * @throws IOException never, in practice (in-memory stream)
     */
    public byte[] saveState(PairList<String, Parameter> parameters) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(kind.name());
        int n = 0;
        for (Pair<String, Parameter> p : parameters) {
            if (steps.containsKey(p.getValue().getId())) {
                n++;
            }
        }
        out.writeInt(n);
        for (Pair<String, Parameter> p : parameters) {
            String id = p.getValue().getId();
            if (!steps.containsKey(id)) {
                continue;
            }
            out.writeUTF(p.getKey());
            out.writeInt(steps.get(id));
            writeArray(out, first.get(id));
            writeArray(out, second.get(id));
        }
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Restores state saved by {@link #saveState}.
     *
     * @param state the bytes
     * @param parameters the block's parameters, initialised
     * @throws IOException if the bytes are malformed or name unknown parameters
     */
    public void loadState(byte[] state, PairList<String, Parameter> parameters) throws IOException {
        Map<String, Parameter> byPath = new HashMap<>();
        for (Pair<String, Parameter> p : parameters) {
            byPath.put(p.getKey(), p.getValue());
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(state));
        String savedKind = in.readUTF();
        if (!savedKind.equals(kind.name())) {
            throw new IOException("optimizer state is for " + savedKind + ", this run uses " + kind);
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String path = in.readUTF();
            Parameter param = byPath.get(path);
            if (param == null) {
                throw new IOException("optimizer state names parameter " + path + ", which the model lacks");
            }
            String id = param.getId();
            steps.put(id, in.readInt());
            NDArray m = readArray(in, param.getArray());
            NDArray v = readArray(in, param.getArray());
            if (m != null) {
                first.put(id, m);
            }
            if (v != null) {
                second.put(id, v);
            }
        }
    }

    private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        if (array == null) {
            out.writeInt(-1);
            return;
        }
        byte[] encoded = array.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private static NDArray readArray(DataInputStream in, NDArray like) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] encoded = in.readNBytes(length);
        if (encoded.length != length) {
            throw new IOException("optimizer state is truncated");
        }
        NDArray array = NDArray.decode(like.getManager(), encoded);
        if (!array.getShape().equals(like.getShape())) {
            throw new IOException(
                    "optimizer state has shape " + array.getShape() + ", parameter has " + like.getShape());
        }
        array.detach();
        return array;
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
