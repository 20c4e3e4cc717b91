package ai.lutboost.layer;

/** How a LUT layer assigns sub-vectors to centroids in its forward pass. */
public enum LutMode {
    /** One-hot of the nearest centroid: the inference value; no gradient to the assignment. */
    HARD,
    /** Softmax over negative distance times the inverse temperature. */
    SOFT,
    /** The hard value with the soft path's gradient: {@code soft + stopGradient(hard - soft)}. */
    STRAIGHT_THROUGH
}
