package ai.lutboost.recipe;

import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.Metric;

/**
 * Per-type or per-layer settings that replace some fields of the recipe's default
 * {@link LayerSpec}, or keep the layer dense.
 *
 * @param v sub-vector length, or null to inherit
 * @param k centroids per codebook, or null to inherit
 * @param metric the distance, or null to inherit
 * @param tableBits table width, or null to inherit
 * @param pad zero-padding of the last sub-vector, or null to inherit
 * @param estimator the training estimator, or null to inherit
 * @param dense whether the layer stays dense (every other field is then null)
 * @param where the recipe file and line that set it, for messages
 */
public record LayerOverride(
        Integer v, Integer k, Metric metric, Integer tableBits, Boolean pad, Estimator estimator, boolean dense,
        String where) {

    /**
     * An override that keeps a layer dense.
     *
     * @param where the file and line that asked for it
     * @return the override
     */
    public static LayerOverride keepDense(String where) {
        return new LayerOverride(null, null, null, null, null, null, true, where);
    }

    /**
     * Applies this override on top of a spec.
     *
     * @param base the inherited spec
     * @return the spec with this override's fields replaced
     * @throws IllegalArgumentException if the result is not a valid spec
     */
    public LayerSpec applyTo(LayerSpec base) {
        return new LayerSpec(
                v != null ? v : base.v(),
                k != null ? k : base.k(),
                metric != null ? metric : base.metric(),
                tableBits != null ? tableBits : base.tableBits(),
                pad != null ? pad : base.pad(),
                estimator != null ? estimator : base.estimator());
    }
}
