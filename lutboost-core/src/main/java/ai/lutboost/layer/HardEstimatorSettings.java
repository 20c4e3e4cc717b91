package ai.lutboost.layer;

/**
 * The settings of the {@link Estimator#HARD} estimator, shared by all of a model's LUT layers.
 *
 * <p>The auxiliary loss of a layer is {@code codebookWeight * mean(|sg(x) - c|^2) + beta *
 * mean(|x - sg(c)|^2)} over its sub-vectors {@code x} and their nearest centroids {@code c}
 * (van den Oord et al. 2017), with the distance squared whatever the search metric: the term pulls
 * a centroid towards the mean of the inputs assigned to it, which lowers their L2 distance and,
 * for L1 and Chebyshev, a bound on theirs, and it has a gradient everywhere, which the max of
 * Chebyshev has not.
 *
 * @param beta weight of the commitment term, which pulls inputs towards their centroids
 * @param codebookWeight weight of the codebook term, which pulls centroids towards their inputs
 * @param reseedAfter training steps a centroid may go unused before it is re-seeded from an input
 *     of the current batch (0: never)
 */
public record HardEstimatorSettings(double beta, double codebookWeight, int reseedAfter) {

    /** VQ-VAE's beta of 0.25, the codebook term at full weight, re-seeding after 100 idle steps. */
    public static final HardEstimatorSettings DEFAULTS = new HardEstimatorSettings(0.25, 1.0, 100);

    /** Validates the values. */
    public HardEstimatorSettings {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a number >= 0, got " + beta);
        }
        if (!(codebookWeight >= 0) || Double.isInfinite(codebookWeight)) {
            throw new IllegalArgumentException("codebookWeight must be a number >= 0, got " + codebookWeight);
        }
        if (reseedAfter < 0) {
            throw new IllegalArgumentException("reseedAfter must be >= 0, got " + reseedAfter);
        }
    }
}
