package ai.lutboost.kmeans;

import ai.djl.ndarray.NDArray;

/**
 * Clustered codebooks.
 *
 * @param centroids {@code [C, K, v]}
 * @param inertia the sum over all points used of the distance to their centroid, per codebook
 * @param iterations Lloyd iterations run
 * @param reseeded empty clusters re-seeded, over all iterations and codebooks
 */
public record KMeansResult(NDArray centroids, double[] inertia, int iterations, int reseeded) {}
