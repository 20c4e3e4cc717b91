package ai.lutboost.recipe;

import ai.lutboost.layer.HardEstimatorSettings;
import ai.lutboost.layer.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * Which layers of a model become LUT layers, and how.
 *
 * <p>A layer's spec resolves in one place, {@link LayerSpecResolver}: its entry in
 * {@code byName}, over its type's entry in {@code byType} ({@code linear}, {@code conv2d}), over
 * {@code defaults}. A layer named in {@code dense}, or whose override says {@code dense}, is kept
 * as it is; with {@code denseEnds} the first and the last convertible layers (the first conv and
 * the classifier, in the zoo's models) stay dense too, as peers keep them in int8.
 *
 * @param defaults the spec of every converted layer unless overridden
 * @param byType overrides by layer type
 * @param byName overrides by layer path ({@code stage2.block1.conv1})
 * @param dense layer paths kept dense
 * @param denseEnds whether the first and the last convertible layers stay dense
 * @param hardEstimator the terms and re-seeding of the layers trained with the hard estimator
 */
public record LutSection(
        LayerSpec defaults,
        Map<String, LayerOverride> byType,
        Map<String, LayerOverride> byName,
        List<String> dense,
        boolean denseEnds,
        HardEstimatorSettings hardEstimator) {

    /** Copies the collections. */
    public LutSection {
        byType = Map.copyOf(byType);
        byName = Map.copyOf(byName);
        dense = List.copyOf(dense);
    }

    /**
     * Every convertible layer but the first and the last with one spec.
     *
     * @param spec the spec
     * @return the section
     */
    public static LutSection uniform(LayerSpec spec) {
        return new LutSection(spec, Map.of(), Map.of(), List.of(), true, HardEstimatorSettings.DEFAULTS);
    }
}
