package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * One LUT layer's {@link Estimator#HARD} estimator, and what it keeps between training steps.
 *
 * <p>Forward: {@code x_hat = P[argmin_k d(x, P_k)]}, the search run without autograd in chunks
 * ({@link LutMath#nearestWithoutGradient}); the layer goes on with
 * {@code x_hat + (x - stopGradient(x))}, whose value is {@code x_hat} and whose gradient reaches
 * {@code x} unchanged and the gathered centroids as the scatter of their rows' gradients. The
 * codebook and commitment terms of {@link HardEstimatorSettings} are left for the layer to hand
 * to the training loss. Backward keeps only the {@code [C, R]} indices, not a {@code [C, R, K]}
 * tensor.
 *
 * <p>Index collapse: every training step counts the rows assigned to each centroid; a centroid
 * unused for {@code reseedAfter} consecutive steps is replaced by a sub-vector of the current batch
 * drawn at random, which it is then nearest to. The counters are saved with the layer, so a
 * resumed run re-seeds exactly as an uninterrupted one.
 */
public final class HardStraightThrough {

    /** The largest distance temporary of the search, in values (16 MB of float32). */
    static final long SEARCH_CHUNK = 1L << 22;

    private final String layer;
    private HardEstimatorSettings settings = HardEstimatorSettings.DEFAULTS;
    private NDArray loss;
    private int[] idle;
    private long steps;
    private int reseeded;

    HardStraightThrough(String layer) {
        this.layer = layer;
    }

    /**
     * Quantizes sub-vectors with the hard straight-through estimator.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids the centroids' values {@code [C, K, v]}
     * @param parameter the centroids' parameter, which re-seeding writes into
     * @param metric the search distance
     * @param training whether this is a training step: only then are centroids counted and
     *     re-seeded
     * @param withLoss whether to compute the codebook and commitment terms, for {@link #takeLoss}
     * @return {@code [C, R, v]}: the nearest centroids, with the estimator's gradient
     */
    NDArray quantize(
            NDArray x, NDArray centroids, Parameter parameter, Metric metric, boolean training, boolean withLoss) {
        NDArray index = LutMath.nearestWithoutGradient(x, centroids, metric, SEARCH_CHUNK);
        if (training && settings.reseedAfter() > 0) {
            reseed(index, x, parameter);
        }
        NDArray hat = LutMath.gather(centroids, index);
        if (!training) {
            return hat;
        }
        if (withLoss && (settings.codebookWeight() > 0 || settings.beta() > 0)) {
            NDArray codebook = hat.sub(x.stopGradient()).square().mean();
            NDArray commitment = x.sub(hat.stopGradient()).square().mean();
            loss = codebook.mul(Scalars.of(codebook, settings.codebookWeight()))
                    .add(commitment.mul(Scalars.of(commitment, settings.beta())));
        }
        return hat.add(x.sub(x.stopGradient()));
    }

    /**
     * Counts each centroid's rows in this step, and replaces those unused for too long by
     * sub-vectors of this batch.
     */
    private void reseed(NDArray index, NDArray x, Parameter parameter) {
        Shape ps = parameter.getArray().getShape();
        int c = (int) ps.get(0);
        int k = (int) ps.get(1);
        int v = (int) ps.get(2);
        if (idle == null || idle.length != c * k) {
            idle = new int[c * k];
        }
        int rows = (int) index.getShape().get(1);
        float[] used;
        // Marking the used centroids on the engine side moves C*K values to Java instead of C*R
        // indices (12.6 ms for LeNet-5 conv2's 384,000 at batch 128, against 0.6 ms).
        NDManager m = index.getManager();
        try (NDArray offsets = m.arange(0, c * k, k, index.getDataType()).reshape(c, 1);
                NDArray flat = index.add(offsets).reshape(-1);
                NDArray ones = m.ones(new Shape(flat.size()));
                NDArray marks = m.zeros(new Shape((long) c * k)).put(flat, ones)) {
            used = marks.toFloatArray();
        }
        int[] dead = new int[c * k];
        int count = 0;
        for (int i = 0; i < idle.length; i++) {
            idle[i] = used[i] > 0 ? 0 : idle[i] + 1;
            if (idle[i] >= settings.reseedAfter()) {
                dead[count++] = i;
            }
        }
        steps++;
        if (count == 0) {
            return;
        }
        SplittableRandom random = new SplittableRandom(steps * 0x9E3779B97F4A7C15L ^ layer.hashCode());
        long[] source = new long[count];
        for (int i = 0; i < count; i++) {
            source[i] = (long) (dead[i] / k) * rows + random.nextInt(rows);
        }
        float[] drawn;
        try (NDArray at = x.getManager().create(source);
                NDArray picked = x.stopGradient().reshape(-1, v).get(new NDIndex("{}", at))) {
            drawn = picked.toFloatArray();
        }
        float[] values = parameter.getArray().toFloatArray();
        for (int i = 0; i < count; i++) {
            System.arraycopy(drawn, i * v, values, dead[i] * v, v);
            idle[dead[i]] = 0;
        }
        parameter.getArray().set(values);
        reseeded += count;
    }

    /**
     * Sets the terms' weights and the re-seeding interval.
     *
     * @param settings the settings
     */
    void setSettings(HardEstimatorSettings settings) {
        this.settings = settings;
    }

    /**
     * Returns the codebook and commitment terms of the last {@link #quantize} that computed them,
     * once.
     *
     * @return the weighted sum of both terms, or null
     */
    NDArray takeLoss() {
        NDArray taken = loss;
        loss = null;
        return taken;
    }

    /**
     * Returns the centroids re-seeded since the last call, and starts counting again.
     *
     * @return the count
     */
    int takeReseeded() {
        int n = reseeded;
        reseeded = 0;
        return n;
    }

    /** Writes the idle counters and the step count. */
    void save(DataOutputStream os) throws IOException {
        os.writeLong(steps);
        int[] counters = idle == null ? new int[0] : idle;
        os.writeInt(counters.length);
        for (int i : counters) {
            os.writeInt(i);
        }
    }

    /** Reads what {@link #save} wrote. */
    void load(DataInputStream is) throws IOException {
        steps = is.readLong();
        int n = is.readInt();
        idle = n == 0 ? null : new int[n];
        for (int i = 0; i < n; i++) {
            idle[i] = is.readInt();
        }
    }
}
