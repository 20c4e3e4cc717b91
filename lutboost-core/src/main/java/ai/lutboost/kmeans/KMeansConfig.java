package ai.lutboost.kmeans;

import ai.lutboost.layer.Metric;

/**
 * How to cluster.
 *
 * @param k centroids per codebook
 * @param metric the distance; the update is the matching centre (mean for L2, per-element median
 *     for L1, for Chebyshev the mean where it lowers the cluster's cost)
 * @param maxIterations Lloyd iterations at most
 * @param tolerance stop when every codebook's inertia improved by less than this fraction
 * @param maxPointsPerCentroid sub-vectors sampled per centroid and codebook (0: all), which keeps
 *     memory and time flat on large layers
 * @param refineIterations Lloyd iterations on all points after the fit on the sample (none when
 *     nothing was sampled out)
 * @param seed the seed for sampling and k-means++ seeding
 */
public record KMeansConfig(
        int k, Metric metric, int maxIterations, double tolerance, int maxPointsPerCentroid, int refineIterations,
        long seed) {

    /** Lloyd iterations on all points after the fit on the sample, unless a caller says otherwise. */
    public static final int DEFAULT_REFINE_ITERATIONS = 1;

    /** Validates the values. */
    public KMeansConfig {
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2, got " + k);
        }
        if (maxIterations < 0 || tolerance < 0 || maxPointsPerCentroid < 0 || refineIterations < 0) {
            throw new IllegalArgumentException("iterations, tolerance and sample size must be >= 0");
        }
    }

    /**
     * The defaults peers use, 20 iterations, tolerance 1e-4, 256 points per centroid, and then
     * at most 3 iterations on all points.
     *
     * @param k centroids per codebook
     * @param metric the distance
     * @param seed the seed
     * @return the config
     */
    public static KMeansConfig of(int k, Metric metric, long seed) {
        return new KMeansConfig(k, metric, 20, 1e-4, 256, DEFAULT_REFINE_ITERATIONS, seed);
    }
}
