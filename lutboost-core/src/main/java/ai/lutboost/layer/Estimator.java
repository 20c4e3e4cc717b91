package ai.lutboost.layer;

import java.util.Locale;

/**
 * How a LUT layer's training gradient reaches its input and centroids. The forward value is the
 * nearest centroid either way (DESIGN §1); only the backward pass differs.
 */
public enum Estimator {
    /**
     * The gradient of a soft assignment {@code softmax(-d * t)} with a learned inverse temperature
     * {@code t}: {@code y = y_soft + stopGradient(y_hard - y_soft)}. It builds {@code [C, rows, K]}
     * tensors forward and backward.
     */
    SOFT,
    /**
     * VQ-VAE's straight-through: the nearest centroid is searched without autograd, the input
     * gets the gradient unchanged, the gathered centroids get the task gradient plus a codebook
     * term, and the input a commitment term ({@link HardEstimatorSettings}). Only the indices are
     * kept for the backward pass.
     */
    HARD;

    /**
     * Parses an estimator name as recipes write it ({@code soft}, {@code hard}).
     *
     * @param name the name, case-insensitive
     * @return the estimator
     * @throws IllegalArgumentException naming the valid estimators
     */
    public static Estimator parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown estimator '" + name + "', expected soft or hard", e);
        }
    }

    /**
     * Returns the name recipes use.
     *
     * @return {@code soft} or {@code hard}
     */
    public String recipeName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
