package ai.lutboost.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.layer.LutMath;
import ai.lutboost.layer.Metric;
import java.util.Arrays;
import java.util.Random;

/**
 * k-means++ seeding and Lloyd iterations for all {@code C} codebooks of a layer at once.
 *
 * <p>Distances are one batched NDArray computation per step ({@link LutMath#distances}, a matrix
 * product for L2), so the cost is a few engine calls per iteration whatever {@code C} is. The
 * centre update is the mean for L2 (a batched matrix product of one-hot assignments), and the
 * per-element median (L1) or mid-range (Chebyshev), the minimizers of those metrics' cost, on
 * plain arrays. Sampling and seeding draw from one {@link Random}, so a seed gives the same
 * centroids every time. A cluster left empty is re-seeded with the point farthest from its
 * centre, since ReLU activations hold many identical zero vectors.
 */
public final class BatchedKMeans {

    private BatchedKMeans() {}

    /**
     * Clusters every codebook.
     *
     * @param data sub-vectors {@code [C, M, v]}
     * @param config how to cluster
     * @return the centroids, attached to {@code data}'s manager
     */
    public static KMeansResult fit(NDArray data, KMeansConfig config) {
        NDManager outer = data.getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(data);
            Random random = new Random(config.seed());
            NDArray points = subsample(scope, data, config, random);
            int c = (int) points.getShape().get(0);
            int m = (int) points.getShape().get(1);
            int v = (int) points.getShape().get(2);
            float[] host = points.toFloatArray();
            float[] centres = seed(points, host, c, m, v, config, random);
            double[] previous = new double[c];
            Arrays.fill(previous, Double.MAX_VALUE);
            // The Lloyd update lowers the inertia for L2 and L1, but the mid-range (Chebyshev)
            // minimizes a cluster's largest distance, not their sum, and can raise it: each
            // codebook keeps the best centroids it has seen.
            float[] best = centres.clone();
            double[] inertia = new double[c];
            Arrays.fill(inertia, Double.MAX_VALUE);
            int iterations = 0;
            int reseeded = 0;
            for (; iterations < config.maxIterations(); iterations++) {
                long[] assign;
                float[] dist;
                // Each iteration's [C, M, K] temporaries are freed with it: at large K they would
                // otherwise pile up in the fit's scope (20 iterations of hundreds of MB).
                try (NDManager step = scope.newSubManager()) {
                    step.tempAttachAll(points);
                    NDArray p = step.create(centres, new Shape(c, config.k(), v));
                    NDArray d = LutMath.distances(points, p, config.metric());
                    assign = d.argMin(2).toLongArray();
                    dist = d.min(new int[] {2}).toFloatArray();
                }
                boolean converged = true;
                for (int j = 0; j < c; j++) {
                    double sum = 0;
                    for (int i = 0; i < m; i++) {
                        sum += Math.max(0, dist[j * m + i]);
                    }
                    keepIfBetter(j, sum, centres, best, inertia, config.k() * v);
                    if (previous[j] - sum > config.tolerance() * previous[j]) {
                        converged = false;
                    }
                    previous[j] = sum;
                }
                if (converged) {
                    break;
                }
                try (NDManager step = scope.newSubManager()) {
                    step.tempAttachAll(points);
                    centres = update(points, host, assign, c, m, v, config);
                }
                reseeded += reseedEmpty(host, assign, dist, centres, c, m, v, config.k());
            }
            NDArray last = LutMath.distances(points, scope.create(centres, new Shape(c, config.k(), v)), config.metric())
                    .min(new int[] {2});
            float[] lastDist = last.toFloatArray();
            for (int j = 0; j < c; j++) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    sum += Math.max(0, lastDist[j * m + i]);
                }
                keepIfBetter(j, sum, centres, best, inertia, config.k() * v);
            }
            NDArray result = scope.create(best, new Shape(c, config.k(), v)).toType(data.getDataType(), false);
            result.attach(outer);
            return new KMeansResult(result, inertia, iterations, reseeded);
        }
    }

    private static void keepIfBetter(int j, double sum, float[] centres, float[] best, double[] inertia, int size) {
        if (sum < inertia[j]) {
            inertia[j] = sum;
            System.arraycopy(centres, j * size, best, j * size, size);
        }
    }

    /**
     * The inertia of centroids on data: the sum of each point's distance to its nearest centroid.
     *
     * @param data {@code [C, M, v]}
     * @param centroids {@code [C, K, v]}
     * @param metric the distance
     * @return the total over all codebooks
     */
    public static double inertia(NDArray data, NDArray centroids, Metric metric) {
        try (NDManager scope = data.getManager().newSubManager()) {
            scope.tempAttachAll(data, centroids);
            long m = data.getShape().get(1);
            double total = 0;
            // Chunked over points so that [C, M, K] distances stay small on 50,000 points.
            for (long start = 0; start < m; start += 4096) {
                NDArray chunk = data.get(":, {}:{}, :", start, Math.min(m, start + 4096));
                total += LutMath.distances(chunk, centroids, metric).min(new int[] {2})
                        .maximum(0f).toType(DataType.FLOAT64, false).sum().getDouble();
            }
            return total;
        }
    }

    private static NDArray subsample(NDManager scope, NDArray data, KMeansConfig config, Random random) {
        long m = data.getShape().get(1);
        long cap = (long) config.maxPointsPerCentroid() * config.k();
        if (config.maxPointsPerCentroid() == 0 || m <= cap) {
            return data.toType(DataType.FLOAT32, true);
        }
        // One index set for every codebook: a codebook's sub-vectors of one sample stay together.
        long[] order = new long[(int) m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        for (int i = (int) m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        long[] chosen = Arrays.copyOf(order, (int) cap);
        Arrays.sort(chosen);
        NDArray index = scope.create(chosen);
        NDArray picked = data.transpose(1, 0, 2).get(new NDIndex("{}", index)).transpose(1, 0, 2);
        return picked.toType(DataType.FLOAT32, false);
    }

    private static float[] seed(NDArray points, float[] host, int c, int m, int v, KMeansConfig config, Random random) {
        int k = config.k();
        float[] centres = new float[c * k * v];
        for (int j = 0; j < c; j++) {
            int first = random.nextInt(m);
            System.arraycopy(host, (j * m + first) * v, centres, (j * k) * v, v);
        }
        NDManager manager = points.getManager();
        for (int q = 1; q < k; q++) {
            float[] d;
            try (NDManager step = manager.newSubManager()) {
                step.tempAttachAll(points);
                NDArray chosen = step.create(Arrays.copyOf(centres, centres.length), new Shape(c, k, v))
                        .get(":, :{}, :", q);
                d = LutMath.distances(points, chosen, config.metric()).min(new int[] {2}).toFloatArray();
            }
            for (int j = 0; j < c; j++) {
                double total = 0;
                double[] weight = new double[m];
                for (int i = 0; i < m; i++) {
                    double di = Math.max(0, d[j * m + i]);
                    // k-means++ samples proportionally to D(x)^2; the L2 metric is already squared.
                    weight[i] = config.metric() == Metric.L2 ? di : di * di;
                    total += weight[i];
                }
                int pick;
                if (total <= 0) {
                    pick = random.nextInt(m);
                } else {
                    double u = random.nextDouble() * total;
                    pick = m - 1;
                    for (int i = 0; i < m; i++) {
                        u -= weight[i];
                        if (u < 0) {
                            pick = i;
                            break;
                        }
                    }
                }
                System.arraycopy(host, (j * m + pick) * v, centres, (j * k + q) * v, v);
            }
        }
        return centres;
    }

    private static float[] update(
            NDArray points, float[] host, long[] assign, int c, int m, int v, KMeansConfig config) {
        int k = config.k();
        float[] centres = new float[c * k * v];
        int[] counts = new int[c * k];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < m; i++) {
                counts[j * k + (int) assign[j * m + i]]++;
            }
        }
        if (config.metric() == Metric.L2) {
            NDManager manager = points.getManager();
            NDArray onehot = manager.create(assign, new Shape(c, m)).oneHot(k);
            float[] sums = onehot.transpose(0, 2, 1).matMul(points).toFloatArray();
            for (int cell = 0; cell < c * k; cell++) {
                for (int u = 0; u < v; u++) {
                    centres[cell * v + u] = counts[cell] == 0 ? 0 : sums[cell * v + u] / counts[cell];
                }
            }
            return centres;
        }
        // Median (L1) or mid-range (Chebyshev) per cluster and element, from the members' values.
        int[] start = new int[c * k + 1];
        for (int cell = 0; cell < c * k; cell++) {
            start[cell + 1] = start[cell] + counts[cell];
        }
        int[] fill = Arrays.copyOf(start, c * k);
        int[] members = new int[c * m];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < m; i++) {
                members[fill[j * k + (int) assign[j * m + i]]++] = i;
            }
        }
        float[] values = new float[m];
        for (int j = 0; j < c; j++) {
            for (int q = 0; q < k; q++) {
                int cell = j * k + q;
                int n = counts[cell];
                if (n == 0) {
                    continue;
                }
                for (int u = 0; u < v; u++) {
                    for (int a = 0; a < n; a++) {
                        values[a] = host[(j * m + members[start[cell] + a]) * v + u];
                    }
                    centres[cell * v + u] = centre(values, n, config.metric());
                }
            }
        }
        return centres;
    }

    /**
     * The centre of one element over a cluster's members: the mean (L2), the median (L1) or the
     * mid-range (Chebyshev).
     *
     * @param values the members' values, of which the first {@code n} count; reordered
     * @param n how many
     * @param metric the distance
     * @return the centre
     */
    static float centre(float[] values, int n, Metric metric) {
        if (metric == Metric.L1) {
            Arrays.sort(values, 0, n);
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
        if (metric == Metric.CHEBYSHEV) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int a = 0; a < n; a++) {
                lo = Math.min(lo, values[a]);
                hi = Math.max(hi, values[a]);
            }
            return (lo + hi) / 2;
        }
        double sum = 0;
        for (int a = 0; a < n; a++) {
            sum += values[a];
        }
        return (float) (sum / n);
    }

    private static int reseedEmpty(
            float[] host, long[] assign, float[] dist, float[] centres, int c, int m, int v, int k) {
        int reseeded = 0;
        for (int j = 0; j < c; j++) {
            boolean[] used = new boolean[k];
            for (int i = 0; i < m; i++) {
                used[(int) assign[j * m + i]] = true;
            }
            boolean[] taken = new boolean[m];
            for (int q = 0; q < k; q++) {
                if (used[q]) {
                    continue;
                }
                int far = -1;
                for (int i = 0; i < m; i++) {
                    if (!taken[i] && (far < 0 || dist[j * m + i] > dist[j * m + far])) {
                        far = i;
                    }
                }
                taken[far] = true;
                System.arraycopy(host, (j * m + far) * v, centres, (j * k + q) * v, v);
                reseeded++;
            }
        }
        return reseeded;
    }
}
