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
            KMeansResult result = BatchedKMeans.fit(x, new KMeansConfig(k, metric, 50, 1e-6, 0, 7));
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
            KMeansConfig config = new KMeansConfig(16, Metric.L2, 10, 1e-4, 64, 3);
            float[] a = BatchedKMeans.fit(x, config).centroids().toFloatArray();
            float[] b = BatchedKMeans.fit(x, config).centroids().toFloatArray();
            assertArrayEquals(a, b);
            float[] other = BatchedKMeans.fit(x, new KMeansConfig(16, Metric.L2, 10, 1e-4, 64, 4)).centroids().toFloatArray();
            assertTrue(!Arrays.equals(a, other), "another seed samples other points");
        }
    }

    @Test
    void centresAreMeanMedianAndMidRange() {
        float[] values = {0, 0, 1, 5, 6, 100, 101, 102, 150, 151};
        float[][] expected = {{2.4f, 120.8f}, {1f, 102f}, {3f, 125.5f}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(values, new Shape(1, 10, 1));
            for (Metric metric : Metric.values()) {
                float[] c = BatchedKMeans.fit(x, new KMeansConfig(2, metric, 20, 0, 0, 1)).centroids().toFloatArray();
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
            KMeansResult result = BatchedKMeans.fit(x, new KMeansConfig(6, Metric.L2, 5, 0, 0, 1));
            assertTrue(result.reseeded() > 0, "reseeded " + result.reseeded());
            assertEquals(0, result.inertia()[0], 1e-6, "every distinct point has a centroid");
        }
    }
}
