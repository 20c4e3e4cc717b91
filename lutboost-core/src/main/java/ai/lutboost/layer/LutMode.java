package ai.lutboost.layer;

/** How a LUT layer assigns sub-vectors to centroids in its forward pass. */
public enum LutMode {
    /** One-hot of the nearest centroid: the inference value; no gradient to the assignment. */
    HARD,
    /** Softmax over negative distance times the inverse temperature. */
    SOFT,
    /** The hard value with the soft path's gradient: {@code soft + stopGradient(hard - soft)}. */
    STRAIGHT_THROUGH,
    /**
     * No quantization: the dense layer the LUT layer came from, on the raw input. Stage 1 reads
     * float activations this way, and stage 2 takes its reconstruction targets from it.
     */
    DENSE
}
