package ai.lutboost.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.layer.Metric;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * k-means++ seeding and Lloyd iterations for all {@code C} codebooks of a layer at once.
 *
 * <p>The work is plain Java loops over one host copy of the points, codebooks spread over the
 * common fork-join pool. An NDArray formulation costs a few engine calls per step, and at these
 * sizes ({@code v <= 8}, {@code K <= 256}) their dispatch and the {@code [C, M, K]} temporaries
 * cost more than the arithmetic; DESIGN §9 measured NDArray batching at twice the time of plain
 * loops. The host copy is element-major, {@code [C, v, M]}, so that the distance loops run over
 * points, long and contiguous, which the JIT vectorizes; {@code v} is too short for that. The
 * fit runs on a sample of {@code maxPointsPerCentroid * K} points per codebook, as peers do, and
 * then refines on all points for {@code refineIterations} Lloyd steps, which recovers most of
 * what sampling loses at the price of full passes. The centre update is the mean for L2 and the
 * per-element median for L1, the minimizers of those metrics' cost, and for Chebyshev the mean
 * wherever it lowers a cluster's cost (see {@code update}). The sample and each codebook's
 * seeding stream come from one {@link Random} in a fixed
 * order, so a seed gives the same centroids whatever the number of threads. A cluster left empty
 * is re-seeded with the point farthest from its centre, since ReLU activations hold many
 * identical zero vectors.
 */
public final class BatchedKMeans {

    /** Points per block of the assignment loop. */
    private static final int BLOCK = 2048;

    private BatchedKMeans() {}

    /**
     * Clusters every codebook.
     *
     * @param data sub-vectors {@code [C, M, v]}
     * @param config how to cluster
     * @return the centroids, attached to {@code data}'s manager, and their inertia on all points
     */
    public static KMeansResult fit(NDArray data, KMeansConfig config) {
        Points all = Points.of(data);
        Random random = new Random(config.seed());
        int[] chosen = sample(all.m(), config, random);
        Points sampled = chosen == null ? all : all.select(chosen);
        float[] centres = seed(sampled, config, random);
        Lloyd last = lloyd(sampled, centres, config.maxIterations(), config);
        int iterations = last.iterations();
        int reseeded = last.reseeded();
        if (chosen != null) {
            last = lloyd(all, last.best(), config.refineIterations(), config);
            iterations += last.iterations();
            reseeded += last.reseeded();
        }
        NDArray out = data.getManager().create(last.best(), new Shape(all.c(), config.k(), all.v()))
                .toType(data.getDataType(), false);
        return new KMeansResult(out, last.inertia(), iterations, reseeded);
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
        Points points = Points.of(data);
        float[] centres = hostCopy(centroids);
        int k = (int) centroids.getShape().get(1);
        int[] assign = new int[points.c() * points.m()];
        float[] dist = new float[points.c() * points.m()];
        assign(points, centres, k, metric, assign, dist);
        double total = 0;
        for (float d : dist) {
            total += d;
        }
        return total;
    }

    /**
     * Points of every codebook on the host, element-major: element {@code u} of point {@code i} of
     * codebook {@code j} at {@code (j * v + u) * m + i}.
     */
    private record Points(float[] values, int c, int m, int v) {

        static Points of(NDArray data) {
            int c = (int) data.getShape().get(0);
            int m = (int) data.getShape().get(1);
            int v = (int) data.getShape().get(2);
            float[] rows = hostCopy(data);
            float[] values = new float[rows.length];
            IntStream.range(0, c).parallel().forEach(j -> {
                for (int i = 0; i < m; i++) {
                    for (int u = 0; u < v; u++) {
                        values[(j * v + u) * m + i] = rows[(j * m + i) * v + u];
                    }
                }
            });
            return new Points(values, c, m, v);
        }

        Points select(int[] chosen) {
            int n = chosen.length;
            float[] picked = new float[c * v * n];
            for (int row = 0; row < c * v; row++) {
                for (int a = 0; a < n; a++) {
                    picked[row * n + a] = values[row * m + chosen[a]];
                }
            }
            return new Points(picked, c, n, v);
        }

        void copyPoint(int j, int i, float[] centres, int k, int q) {
            for (int u = 0; u < v; u++) {
                centres[(j * k + q) * v + u] = values[(j * v + u) * m + i];
            }
        }
    }

    /** Where a Lloyd run ended: the best centroids it saw and their inertia per codebook. */
    private record Lloyd(float[] best, double[] inertia, int iterations, int reseeded) {}

    private static float[] hostCopy(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray copy = array.toType(DataType.FLOAT32, true)) {
            return copy.toFloatArray();
        }
    }

    /**
     * Runs Lloyd steps, keeping each codebook's best centroids: every metric's update lowers the
     * inertia, but rounding can raise it by a hair in the step the loop stops on.
     */
    private static Lloyd lloyd(Points points, float[] start, int maxIterations, KMeansConfig config) {
        int c = points.c();
        int m = points.m();
        int size = config.k() * points.v();
        float[] centres = start.clone();
        float[] best = start.clone();
        double[] inertia = new double[c];
        Arrays.fill(inertia, Double.MAX_VALUE);
        double[] previous = new double[c];
        Arrays.fill(previous, Double.MAX_VALUE);
        int[] assign = new int[c * m];
        float[] dist = new float[c * m];
        int iterations = 0;
        int reseeded = 0;
        while (true) {
            assign(points, centres, config.k(), config.metric(), assign, dist);
            boolean converged = true;
            for (int j = 0; j < c; j++) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    sum += dist[j * m + i];
                }
                if (sum < inertia[j]) {
                    inertia[j] = sum;
                    System.arraycopy(centres, j * size, best, j * size, size);
                }
                if (previous[j] - sum > config.tolerance() * previous[j]) {
                    converged = false;
                }
                previous[j] = sum;
            }
            if (converged || iterations == maxIterations) {
                return new Lloyd(best, inertia, iterations, reseeded);
            }
            centres = update(points, assign, dist, centres, config);
            reseeded += reseedEmpty(points, assign, dist, centres, config.k());
            iterations++;
        }
    }

    /**
     * Nearest centroid and its exact distance for every point.
     *
     * <p>The search keeps one int key per point: the distance's float bits with the low
     * {@code ceil(log2 K)} mantissa bits replaced by the centroid's index. Distances are never
     * negative, so their bits order like the floats, and a running {@code min} of keys finds the
     * nearest centroid without the branch per point and centroid that an index update needs; that
     * branch is unpredictable, and without it an assignment pass took about 40 % less time in a
     * scratch timing (64 codebooks, 50,000 points, K=16, v=4). Distances that agree in all but the
     * low bits, so within {@code 2^(ceil(log2 K) - 23)} of each other relatively, count as ties,
     * and ties go to the lowest index.
     */
    private static void assign(Points points, float[] centres, int k, Metric metric, int[] assign, float[] dist) {
        int m = points.m();
        int v = points.v();
        int low = (1 << (32 - Integer.numberOfLeadingZeros(k - 1))) - 1;
        IntStream.range(0, points.c()).parallel().forEach(j -> {
            float[] d = new float[Math.min(m, BLOCK)];
            int[] key = new int[Math.min(m, BLOCK)];
            // Blocks of points small enough that their values, distances and keys stay in cache
            // while every centroid passes over them.
            for (int start = 0; start < m; start += BLOCK) {
                int length = Math.min(BLOCK, m - start);
                Arrays.fill(key, 0, length, Integer.MAX_VALUE);
                for (int q = 0; q < k; q++) {
                    distances(points, j, start, length, centres, (j * k + q) * v, metric, d);
                    for (int i = 0; i < length; i++) {
                        key[i] = Math.min(key[i], (Float.floatToRawIntBits(d[i]) & ~low) | q);
                    }
                }
                for (int i = 0; i < length; i++) {
                    int q = key[i] & low;
                    assign[j * m + start + i] = q;
                    dist[j * m + start + i] = distance(points, j, start + i, centres, (j * k + q) * v, metric);
                }
            }
        });
    }

    /** The distance of point {@code i} of codebook {@code j} to one centroid. */
    private static float distance(Points points, int j, int i, float[] centres, int offset, Metric metric) {
        int m = points.m();
        int v = points.v();
        float[] x = points.values();
        float d = 0;
        for (int u = 0; u < v; u++) {
            float diff = Math.abs(x[(j * v + u) * m + i] - centres[offset + u]);
            d = switch (metric) {
                case L2 -> d + diff * diff;
                case L1 -> d + diff;
                case CHEBYSHEV -> Math.max(d, diff);
            };
        }
        return d;
    }

    /**
     * The distances of points {@code [start, start + length)} of codebook {@code j} to one
     * centroid, into {@code d}.
     */
    private static void distances(Points points, int j, int start, int length, float[] centres, int offset,
            Metric metric, float[] d) {
        int m = points.m();
        int v = points.v();
        float[] x = points.values();
        Arrays.fill(d, 0, length, 0f);
        for (int u = 0; u < v; u++) {
            float p = centres[offset + u];
            int row = (j * v + u) * m + start;
            switch (metric) {
                case L2 -> {
                    for (int i = 0; i < length; i++) {
                        float diff = x[row + i] - p;
                        d[i] += diff * diff;
                    }
                }
                case L1 -> {
                    for (int i = 0; i < length; i++) {
                        d[i] += Math.abs(x[row + i] - p);
                    }
                }
                case CHEBYSHEV -> {
                    for (int i = 0; i < length; i++) {
                        d[i] = Math.max(d[i], Math.abs(x[row + i] - p));
                    }
                }
            }
        }
    }

    /** Sorted indices of the points to fit on, the same for every codebook, or null for all. */
    private static int[] sample(int m, KMeansConfig config, Random random) {
        long cap = (long) config.maxPointsPerCentroid() * config.k();
        if (config.maxPointsPerCentroid() == 0 || m <= cap) {
            return null;
        }
        // One index set for every codebook: a codebook's sub-vectors of one sample stay together.
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] chosen = Arrays.copyOf(order, (int) cap);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * Greedy k-means++: each new centre is the best of {@code 2 + ln K} points drawn in
     * proportion to {@code D(x)^2}, the one that lowers the seeding cost most. With one draw per
     * centre, as plain k-means++ does, the bench's fit needed three refinement steps on all
     * points to come within 0.8 % of commons-math3's inertia, and those steps were half its
     * time; with the best of four draws one step gives 0.28 % (docs/measurements.md, lutboost bench).
     */
    private static float[] seed(Points points, KMeansConfig config, Random random) {
        int c = points.c();
        int m = points.m();
        int v = points.v();
        int k = config.k();
        int trials = 2 + (int) Math.log(k);
        long[] seeds = new long[c];
        for (int j = 0; j < c; j++) {
            seeds[j] = random.nextLong();
        }
        float[] centres = new float[c * k * v];
        IntStream.range(0, c).parallel().forEach(j -> {
            Random draws = new Random(seeds[j]);
            float[] nearest = new float[m];
            float[] candidate = new float[m];
            float[] chosen = new float[m];
            double[] cumulative = new double[m];
            points.copyPoint(j, draws.nextInt(m), centres, k, 0);
            distances(points, j, 0, m, centres, j * k * v, config.metric(), nearest);
            for (int q = 1; q < k; q++) {
                double total = 0;
                for (int i = 0; i < m; i++) {
                    total += cost(nearest[i], config.metric());
                    cumulative[i] = total;
                }
                double best = Double.MAX_VALUE;
                int bestPoint = -1;
                for (int t = 0; t < trials; t++) {
                    int pick = total <= 0 ? draws.nextInt(m) : draw(cumulative, draws.nextDouble() * total);
                    points.copyPoint(j, pick, centres, k, q);
                    distances(points, j, 0, m, centres, (j * k + q) * v, config.metric(), candidate);
                    double potential = 0;
                    for (int i = 0; i < m; i++) {
                        candidate[i] = Math.min(candidate[i], nearest[i]);
                        potential += cost(candidate[i], config.metric());
                    }
                    if (potential < best) {
                        best = potential;
                        bestPoint = pick;
                        System.arraycopy(candidate, 0, chosen, 0, m);
                    }
                }
                points.copyPoint(j, bestPoint, centres, k, q);
                System.arraycopy(chosen, 0, nearest, 0, m);
            }
        });
        return centres;
    }

    /** k-means++ weighs points by {@code D(x)^2}; the L2 distance is already squared. */
    private static double cost(float distance, Metric metric) {
        return metric == Metric.L2 ? distance : (double) distance * distance;
    }

    /** The first index whose cumulative weight exceeds {@code u}. */
    private static int draw(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * The new centres: the mean (L2) or the per-element median (L1) of each cluster, the
     * minimizers of their cost. The sum of Chebyshev distances has no closed-form minimizer; the
     * mid-range minimizes a cluster's largest distance, not the sum, and with it the inertia rose
     * at the first step, which stopped the loop with the seeding's centroids. Chebyshev takes a
     * cluster's mean where that lowers the cluster's summed distance and keeps its centre
     * otherwise, so its steps descend as the others do; on ReLU-like data that came within 2 % of
     * the inertia the cheapest of mean, median and mid-range reached (docs/measurements.md).
     *
     * @param dist each point's distance to its centre in {@code previous}
     */
    private static float[] update(Points points, int[] assign, float[] dist, float[] previous, KMeansConfig config) {
        int k = config.k();
        int m = points.m();
        int v = points.v();
        float[] x = points.values();
        float[] centres = new float[points.c() * k * v];
        IntStream.range(0, points.c()).parallel().forEach(j -> {
            int[] counts = new int[k];
            for (int i = 0; i < m; i++) {
                counts[assign[j * m + i]]++;
            }
            if (config.metric() != Metric.L1) {
                for (int u = 0; u < v; u++) {
                    double[] sums = new double[k];
                    int row = (j * v + u) * m;
                    for (int i = 0; i < m; i++) {
                        sums[assign[j * m + i]] += x[row + i];
                    }
                    for (int q = 0; q < k; q++) {
                        centres[(j * k + q) * v + u] = counts[q] == 0 ? 0 : (float) (sums[q] / counts[q]);
                    }
                }
                if (config.metric() == Metric.CHEBYSHEV) {
                    keepCheaperCentres(points, j, k, assign, dist, previous, centres);
                }
                return;
            }
            // The median per cluster and element, from the members' values.
            int[] start = new int[k + 1];
            for (int q = 0; q < k; q++) {
                start[q + 1] = start[q] + counts[q];
            }
            int[] fill = Arrays.copyOf(start, k);
            int[] members = new int[m];
            for (int i = 0; i < m; i++) {
                members[fill[assign[j * m + i]]++] = i;
            }
            float[] values = new float[m];
            for (int q = 0; q < k; q++) {
                int n = counts[q];
                for (int u = 0; u < v && n > 0; u++) {
                    int row = (j * v + u) * m;
                    for (int a = 0; a < n; a++) {
                        values[a] = x[row + members[start[q] + a]];
                    }
                    centres[(j * k + q) * v + u] = median(values, n);
                }
            }
        });
        return centres;
    }

    /**
     * Puts back codebook {@code j}'s previous centre wherever the new one would not lower the
     * cluster's summed Chebyshev distance.
     */
    private static void keepCheaperCentres(Points points, int j, int k, int[] assign, float[] dist, float[] previous,
            float[] centres) {
        int m = points.m();
        int v = points.v();
        double[] before = new double[k];
        double[] after = new double[k];
        for (int i = 0; i < m; i++) {
            int q = assign[j * m + i];
            before[q] += dist[j * m + i];
            after[q] += distance(points, j, i, centres, (j * k + q) * v, Metric.CHEBYSHEV);
        }
        for (int q = 0; q < k; q++) {
            if (after[q] >= before[q]) {
                System.arraycopy(previous, (j * k + q) * v, centres, (j * k + q) * v, v);
            }
        }
    }

    /**
     * The median of one element over a cluster's members, L1's centre.
     *
     * @param values the members' values, of which the first {@code n} count; reordered
     * @param n how many
     * @return the median, the mean of the middle two for even {@code n}
     */
    static float median(float[] values, int n) {
        Arrays.sort(values, 0, n);
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static int reseedEmpty(Points points, int[] assign, float[] dist, float[] centres, int k) {
        int m = points.m();
        int reseeded = 0;
        for (int j = 0; j < points.c(); j++) {
            boolean[] used = new boolean[k];
            for (int i = 0; i < m; i++) {
                used[assign[j * m + i]] = true;
            }
            boolean[] taken = null;
            for (int q = 0; q < k; q++) {
                if (used[q]) {
                    continue;
                }
                taken = taken == null ? new boolean[m] : taken;
                int far = -1;
                for (int i = 0; i < m; i++) {
                    if (!taken[i] && (far < 0 || dist[j * m + i] > dist[j * m + far])) {
                        far = i;
                    }
                }
                taken[far] = true;
                points.copyPoint(j, far, centres, k, q);
                reseeded++;
            }
        }
        return reseeded;
    }
}
