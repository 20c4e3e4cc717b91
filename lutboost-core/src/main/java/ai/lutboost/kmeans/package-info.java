/** Batched k-means for LUT codebooks: every codebook of a layer clustered at once. */
package ai.lutboost.kmeans;
