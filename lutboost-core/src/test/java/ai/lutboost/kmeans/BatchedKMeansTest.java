package ai.lutboost.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.lutboost.layer.Metric;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchedKMeansTest {

    @ParameterizedTest
    @EnumSource(Metric.class)
    void recoversKnownClustersInEveryCodebook(Metric metric) {
        int c = 3;
        int k = 4;
        int perCluster = 150;
        int m = k * perCluster;
        float[][][] truth = new float[c][k][2];
        float[] data = new float[c * m * 2];
        Random r = new Random(2);
        for (int j = 0; j < c; j++) {
            for (int q = 0; q < k; q++) {
                truth[j][q][0] = (q % 2 == 0 ? -10 : 10) + 3 * j;
                truth[j][q][1] = (q / 2 == 0 ? -10 : 10) - 2 * j;
            }
            for (int i = 0; i < m; i++) {
                int q = i % k;
                data[(j * m + i) * 2] = truth[j][q][0] + (float) r.nextGaussian() * 0.5f;
                data[(j * m + i) * 2 + 1] = truth[j][q][1] + (float) r.nextGaussian() * 0.5f;
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(data, new Shape(c, m, 2));
            KMeansResult result = BatchedKMeans.fit(x, new KMeansConfig(k, metric, 50, 1e-6, 0, 0, 7));
            float[] found = result.centroids().toFloatArray();
            for (int j = 0; j < c; j++) {
                for (int q = 0; q < k; q++) {
                    double best = Double.MAX_VALUE;
                    for (int p = 0; p < k; p++) {
                        double dx = found[(j * k + p) * 2] - truth[j][q][0];
                        double dy = found[(j * k + p) * 2 + 1] - truth[j][q][1];
                        best = Math.min(best, Math.hypot(dx, dy));
                    }
                    assertTrue(best < 0.5, metric + " codebook " + j + " cluster " + q + " missed by " + best);
                }
            }
            double inertia = BatchedKMeans.inertia(x, result.centroids(), metric);
            assertEquals(Arrays.stream(result.inertia()).sum(), inertia, 1e-3 * inertia);
        }
    }

    @Test
    void sameSeedSameCentroids() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1);
            NDArray x = manager.randomNormal(new Shape(4, 3000, 4));
            KMeansConfig config = new KMeansConfig(16, Metric.L2, 10, 1e-4, 64, 0, 3);
            float[] a = BatchedKMeans.fit(x, config).centroids().toFloatArray();
            float[] b = BatchedKMeans.fit(x, config).centroids().toFloatArray();
            assertArrayEquals(a, b);
            float[] other = BatchedKMeans.fit(x, new KMeansConfig(16, Metric.L2, 10, 1e-4, 64, 0, 4)).centroids().toFloatArray();
            assertTrue(!Arrays.equals(a, other), "another seed samples other points");
        }
    }

    @Test
    void oneThreadFindsTheSameCentroidsAsThePool() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            NDArray x = manager.randomNormal(new Shape(6, 3000, 4));
            KMeansConfig config = new KMeansConfig(16, Metric.L1, 10, 1e-4, 64, 1, 9);
            float[] pooled = BatchedKMeans.fit(x, config).centroids().toFloatArray();
            ForkJoinPool single = new ForkJoinPool(1);
            try {
                // Each codebook seeds from its own stream, drawn in order before the parallel
                // work: how codebooks spread over threads must not change a centroid.
                float[] alone = single.submit(() -> BatchedKMeans.fit(x, config).centroids().toFloatArray()).get();
                assertArrayEquals(pooled, alone);
            } finally {
                single.shutdown();
            }
        }
    }

    @Test
    void centresAreMeanAndMedian() {
        float[] values = {0, 0, 1, 5, 6, 100, 101, 102, 150, 151};
        // L2's mean and L1's median minimize the inertia, so Lloyd ends there.
        assertEquals(1f, BatchedKMeans.median(Arrays.copyOf(values, 5), 5));
        assertEquals(0.5f, BatchedKMeans.median(Arrays.copyOf(values, 4), 4));
        float[][] expected = {{2.4f, 120.8f}, {1f, 102f}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(values, new Shape(1, 10, 1));
            for (Metric metric : new Metric[] {Metric.L2, Metric.L1}) {
                float[] c = BatchedKMeans.fit(x, new KMeansConfig(2, metric, 20, 0, 0, 0, 1)).centroids().toFloatArray();
                Arrays.sort(c);
                assertArrayEquals(expected[metric.ordinal()], c, 1e-4f, metric.name());
            }
        }
    }

    @Test
    void emptyClustersAreReseeded() {
        // 97 zero vectors (as ReLU gives) and three distinct points: with K = 6, seeding must
        // repeat a point, a tied duplicate centroid gets no members, and is re-seeded.
        float[] values = new float[100 * 2];
        values[0] = 1;
        values[3] = 2;
        values[4] = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(values, new Shape(1, 100, 2));
            KMeansResult result = BatchedKMeans.fit(x, new KMeansConfig(6, Metric.L2, 5, 0, 0, 0, 1));
            assertTrue(result.reseeded() > 0, "reseeded " + result.reseeded());
            assertEquals(0, result.inertia()[0], 1e-6, "every distinct point has a centroid");
        }
    }

    /**
     * ReLU-like data (many exact zeros, a heavy tail): Lloyd must never return codebooks worse
     * than their k-means++ seeding.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void neverWorseThanTheSeeding(Metric metric) {
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 6;
            NDArray data = reluLike(m, new Shape(c, 2000, 4), 9, 3);
            KMeansResult seeded = BatchedKMeans.fit(data, new KMeansConfig(16, metric, 0, 1e-4, 0, 0, 5));
            KMeansResult fitted = BatchedKMeans.fit(data, new KMeansConfig(16, metric, 20, 1e-4, 0, 0, 5));
            for (int j = 0; j < c; j++) {
                assertTrue(fitted.inertia()[j] <= seeded.inertia()[j],
                        metric + " codebook " + j + ": " + fitted.inertia()[j] + " > seeding " + seeded.inertia()[j]);
            }
            double total = Arrays.stream(fitted.inertia()).sum();
            assertEquals(BatchedKMeans.inertia(data, fitted.centroids(), metric), total, 1e-3 * total,
                    "the reported inertia is that of the returned centroids");
        }
    }

    /**
     * Chebyshev's Lloyd steps must lower the inertia well below the seeding's, on the sample and
     * in the refinement on all points, as L2's do. With the mid-range as its update the first step
     * raised the inertia and the loop returned the seeding; with the mean alone, so did the first
     * step on one skewed element (the second case), where the mean lies far from the cluster's mass.
     */
    @Test
    void chebyshevLloydStepsDescendFromTheSeeding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray data = reluLike(m, new Shape(4, 8192, 5), 9, 2);
            double sampleFit = assertDescends(data, new KMeansConfig(32, Metric.CHEBYSHEV, 20, 1e-4, 128, 0, 5));
            KMeansResult refined = BatchedKMeans.fit(data, new KMeansConfig(32, Metric.CHEBYSHEV, 20, 1e-4, 128, 3, 5));
            double all = Arrays.stream(refined.inertia()).sum();
            assertTrue(all < 0.995 * sampleFit, "refined on all points " + all + ", sample's centroids " + sampleFit);
            assertDescends(reluLike(m, new Shape(1, 2000, 1), 9, 3),
                    new KMeansConfig(8, Metric.CHEBYSHEV, 20, 1e-4, 0, 0, 5));
        }
    }

    /** Asserts a fit ends 5 % below its seeding after more than 5 steps; returns its inertia on all points. */
    private static double assertDescends(NDArray data, KMeansConfig config) {
        KMeansConfig seedingOnly = new KMeansConfig(config.k(), config.metric(), 0, config.tolerance(),
                config.maxPointsPerCentroid(), 0, config.seed());
        double seeded = BatchedKMeans.inertia(data, BatchedKMeans.fit(data, seedingOnly).centroids(), config.metric());
        KMeansResult fitted = BatchedKMeans.fit(data, config);
        double inertia = BatchedKMeans.inertia(data, fitted.centroids(), config.metric());
        assertTrue(inertia < 0.95 * seeded, data.getShape() + ": Lloyd " + inertia + ", seeding " + seeded);
        assertTrue(fitted.iterations() > 5, data.getShape() + ": " + fitted.iterations() + " iterations");
        return inertia;
    }

    /**
     * A fit on a sample, refined on all points: the reported inertia is that of all points, and
     * the refinement lowers it below what the sample's centroids give.
     */
    @Test
    void refinementOnAllPointsLowersTheirInertia() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray data = reluLike(m, new Shape(4, 6000, 4), 11, 2);
            KMeansResult sampleOnly = BatchedKMeans.fit(data, new KMeansConfig(16, Metric.L2, 20, 1e-4, 16, 0, 3));
            KMeansResult refined = BatchedKMeans.fit(data, new KMeansConfig(16, Metric.L2, 20, 1e-4, 16, 3, 3));
            double before = BatchedKMeans.inertia(data, sampleOnly.centroids(), Metric.L2);
            double after = BatchedKMeans.inertia(data, refined.centroids(), Metric.L2);
            assertEquals(after, Arrays.stream(refined.inertia()).sum(), 1e-4 * after);
            assertTrue(after < 0.999 * before, "refined " + after + ", sample only " + before);
            assertTrue(refined.iterations() > sampleOnly.iterations());
        }
    }

    /**
     * The assignment search packs the centroid index into the distance's low mantissa bits; the
     * inertia it gives must still be the sum of each point's exact distance to its nearest
     * centroid, found here by plain loops. K=256 packs 8 bits, so near-ties within 2^-15 may pick
     * another centroid; that moves a point's distance by at most that much, hence the bound.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void inertiaIsTheExactNearestDistanceSumForAnyCentroidCount(Metric metric) {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int k : new int[] {2, 16, 256}) {
                int c = 3;
                int n = 3000;
                int v = 5;
                NDArray data = reluLike(m, new Shape(c, n, v), 21 + k, 1);
                NDArray centroids = reluLike(m, new Shape(c, k, v), 31 + k, 1);
                float[] x = data.toFloatArray();
                float[] p = centroids.toFloatArray();
                double expected = 0;
                for (int j = 0; j < c; j++) {
                    for (int i = 0; i < n; i++) {
                        float best = Float.MAX_VALUE;
                        for (int q = 0; q < k; q++) {
                            float d = 0;
                            for (int u = 0; u < v; u++) {
                                float diff = Math.abs(x[(j * n + i) * v + u] - p[(j * k + q) * v + u]);
                                d = metric == Metric.L2 ? d + diff * diff
                                        : metric == Metric.L1 ? d + diff : Math.max(d, diff);
                            }
                            best = Math.min(best, d);
                        }
                        expected += best;
                    }
                }
                double inertia = BatchedKMeans.inertia(data, centroids, metric);
                assertEquals(expected, inertia, 0x1p-15 * expected, metric + ", K=" + k);
            }
        }
    }

    @Test
    void aTransposedViewClustersLikeItsCopy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray rows = m.randomUniform(0, 1, new Shape(500, 3, 2));
            NDArray view = rows.transpose(1, 0, 2);
            NDArray copy = m.create(view.toFloatArray(), new Shape(3, 500, 2));
            float[] expected = new float[3 * 500 * 2];
            float[] source = rows.toFloatArray();
            for (int i = 0; i < 500; i++) {
                for (int j = 0; j < 3; j++) {
                    System.arraycopy(source, (i * 3 + j) * 2, expected, (j * 500 + i) * 2, 2);
                }
            }
            assertArrayEquals(expected, copy.toFloatArray(), "a view reads in its shape's order");
            KMeansConfig config = new KMeansConfig(8, Metric.L1, 10, 1e-4, 0, 0, 1);
            assertArrayEquals(BatchedKMeans.fit(copy, config).centroids().toFloatArray(),
                    BatchedKMeans.fit(view, config).centroids().toFloatArray());
        }
    }

    /** ReLU-like values: exact zeros for half of them, a Gaussian to the given power for the rest. */
    private static NDArray reluLike(NDManager m, Shape shape, long seed, int power) {
        Random r = new Random(seed);
        float[] x = new float[(int) shape.size()];
        for (int i = 0; i < x.length; i++) {
            double g = r.nextGaussian();
            x[i] = g < 0 ? 0f : (float) Math.pow(g, power);
        }
        return m.create(x, shape);
    }
}
