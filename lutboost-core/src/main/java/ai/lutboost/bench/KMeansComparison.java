package ai.lutboost.bench;

import ai.djl.ndarray.NDArray;
import ai.lutboost.kmeans.BatchedKMeans;
import ai.lutboost.kmeans.KMeansConfig;
import ai.lutboost.layer.Metric;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * Batched k-means against commons-math3's {@link KMeansPlusPlusClusterer} run codebook by
 * codebook on all points, with both inertias measured on all points.
 *
 * @param codebooks codebooks clustered
 * @param points points per codebook
 * @param k centroids per codebook
 * @param batchedSeconds wall time of {@link BatchedKMeans#fit}, after one untimed run
 * @param batchedInertia its inertia on all points (sum of squared distances)
 * @param referenceSeconds wall time of commons-math3 over all codebooks, after one untimed run on
 *     the first
 * @param referenceInertia its inertia on all points
 */
public record KMeansComparison(
        int codebooks, int points, int k, double batchedSeconds, double batchedInertia,
        double referenceSeconds, double referenceInertia) {

    /**
     * Runs both.
     *
     * @param data {@code [C, M, v]} sub-vectors
     * @param k centroids per codebook
     * @param iterations Lloyd iterations for both
     * @param seed the seed for both
     * @return the comparison
     */
    public static KMeansComparison run(NDArray data, int k, int iterations, long seed) {
        int c = (int) data.getShape().get(0);
        int m = (int) data.getShape().get(1);
        int v = (int) data.getShape().get(2);
        KMeansConfig config = new KMeansConfig(k, Metric.L2, iterations, 1e-4, 256,
                KMeansConfig.DEFAULT_REFINE_ITERATIONS, seed);
        // One untimed run of each first, so that both are timed compiled, as JMH would.
        BatchedKMeans.fit(data, config).centroids().close();
        long start = System.nanoTime();
        NDArray centroids = BatchedKMeans.fit(data, config).centroids();
        double batchedSeconds = (System.nanoTime() - start) / 1e9;
        double batchedInertia = BatchedKMeans.inertia(data, centroids, Metric.L2);

        float[] host = data.toFloatArray();
        clusterer(k, iterations, seed).cluster(points(host, 0, m, v));
        double referenceSeconds = 0;
        double referenceInertia = 0;
        for (int j = 0; j < c; j++) {
            List<DoublePoint> points = points(host, j, m, v);
            KMeansPlusPlusClusterer<DoublePoint> clusterer = clusterer(k, iterations, seed + j);
            long t = System.nanoTime();
            List<CentroidCluster<DoublePoint>> clusters = clusterer.cluster(points);
            referenceSeconds += (System.nanoTime() - t) / 1e9;
            for (DoublePoint p : points) {
                double best = Double.MAX_VALUE;
                for (CentroidCluster<DoublePoint> cluster : clusters) {
                    double[] ctr = cluster.getCenter().getPoint();
                    double d = 0;
                    for (int u = 0; u < v; u++) {
                        double diff = p.getPoint()[u] - ctr[u];
                        d += diff * diff;
                    }
                    best = Math.min(best, d);
                }
                referenceInertia += best;
            }
        }
        return new KMeansComparison(c, m, k, batchedSeconds, batchedInertia, referenceSeconds, referenceInertia);
    }

    private static List<DoublePoint> points(float[] host, int j, int m, int v) {
        List<DoublePoint> points = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            double[] p = new double[v];
            for (int u = 0; u < v; u++) {
                p[u] = host[(j * m + i) * v + u];
            }
            points.add(new DoublePoint(p));
        }
        return points;
    }

    private static KMeansPlusPlusClusterer<DoublePoint> clusterer(int k, int iterations, long seed) {
        JDKRandomGenerator random = new JDKRandomGenerator();
        random.setSeed(seed);
        return new KMeansPlusPlusClusterer<>(k, iterations, new EuclideanDistance(), random);
    }
}
