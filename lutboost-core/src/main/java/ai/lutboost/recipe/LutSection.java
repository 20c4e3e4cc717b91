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
     * Starts a lut section in code, checked as a recipe file's {@code lut} section is.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LutSection}; unset settings take a recipe file's defaults. */
    public static final class Builder {
        private final SectionSettings settings = new SectionSettings("LutSection.builder()", "lut");

        Builder() {}

        /**
         * Sets every converted layer's sub-vector length.
         *
         * @param v 1 to 4,096
         * @return this builder
         */
        public Builder optV(int v) {
            settings.put("defaults.v", v);
            return this;
        }

        /**
         * Sets every converted layer's centroids per codebook.
         *
         * @param k a power of two, 2 to 65,536
         * @return this builder
         */
        public Builder optK(int k) {
            settings.put("defaults.k", k);
            return this;
        }

        /**
         * Sets every converted layer's distance.
         *
         * @param metric {@code l2}, {@code l1} or {@code chebyshev}
         * @return this builder
         */
        public Builder optMetric(String metric) {
            settings.put("defaults.metric", metric);
            return this;
        }

        /**
         * Sets every converted layer's table width.
         *
         * @param bits 4 to 16
         * @return this builder
         */
        public Builder optTableBits(int bits) {
            settings.put("defaults.tableBits", bits);
            return this;
        }

        /**
         * Sets every converted layer's straight-through estimator.
         *
         * @param estimator {@code soft} or {@code hard}
         * @return this builder
         */
        public Builder optEstimator(String estimator) {
            settings.put("defaults.estimator", estimator);
            return this;
        }

        /**
         * Sets whether the first and the last convertible layers stay dense.
         *
         * @param dense whether they do
         * @return this builder
         */
        public Builder optDenseEnds(boolean dense) {
            settings.put("denseEnds", dense);
            return this;
        }

        /**
         * Sets any other setting of the section by its key in a recipe file.
         *
         * @param key e.g. {@code byName.fc1.k} or {@code hardEstimator.beta}
         * @param value its value
         * @return this builder
         */
        public Builder optSetting(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Checks the settings.
         *
         * @return the section
         * @throws RecipeException naming the setting that breaks the rules
         */
        public LutSection build() throws RecipeException {
            return settings.read(LutSectionReader::readLut);
        }
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
