package ai.lutboost.recipe;

/**
 * Which data a recipe trains on.
 *
 * @param name a dataset name known to {@code ai.lutboost.datasets.Datasets}
 * @param validationFraction part of the training files held out for validation
 * @param trainLimit at most this many training items (0: all), for quick runs and tests
 * @param testLimit at most this many test items (0: all)
 */
public record DatasetSection(String name, double validationFraction, int trainLimit, int testLimit) {

    /**
     * Starts a dataset section in code, checked as a recipe file's {@code dataset} section is.
     *
     * @param name {@code fashion-mnist}, {@code mnist} or {@code cifar10}
     * @return the builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link DatasetSection}; unset settings take a recipe file's defaults. */
    public static final class Builder {
        private final SectionSettings settings = new SectionSettings("DatasetSection.builder()", "dataset");

        Builder(String name) {
            settings.put("name", name);
        }

        /**
         * Sets the part of the training files held out for validation.
         *
         * @param fraction in {@code [0, 0.5)}
         * @return this builder
         */
        public Builder optValidationFraction(double fraction) {
            settings.put("validationFraction", fraction);
            return this;
        }

        /**
         * Trains on at most this many items.
         *
         * @param items at least 0 (0: all)
         * @return this builder
         */
        public Builder optTrainLimit(int items) {
            settings.put("trainLimit", items);
            return this;
        }

        /**
         * Tests on at most this many items.
         *
         * @param items at least 0 (0: all)
         * @return this builder
         */
        public Builder optTestLimit(int items) {
            settings.put("testLimit", items);
            return this;
        }

        /**
         * Checks the settings.
         *
         * @return the section
         * @throws RecipeException naming the setting that breaks the rules
         */
        public DatasetSection build() throws RecipeException {
            return settings.read(RecipeLoader::readDataset);
        }
    }
}
