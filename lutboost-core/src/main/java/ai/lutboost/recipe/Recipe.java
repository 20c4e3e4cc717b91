package ai.lutboost.recipe;

/**
 * A resolved recipe: every setting with its default filled in.
 *
 * @param name the run's name
 * @param seed the seed for initialisation, shuffling and the validation split
 * @param dataset the data
 * @param model the model
 * @param train the baseline training
 * @param lut which layers become LUT layers, and how; null for a baseline-only recipe
 * @param stages how the conversion stages run
 * @param source where the recipe came from (a file, or a description for built-in recipes)
 * @param resolvedYaml the resolved recipe as canonical YAML
 * @param sha256 the SHA-256 of {@code resolvedYaml}, recorded with every checkpoint and bundle
 */
public record Recipe(
        String name,
        long seed,
        DatasetSection dataset,
        ModelSection model,
        TrainSection train,
        LutSection lut,
        StagesSection stages,
        String source,
        String resolvedYaml,
        String sha256) {

    /**
     * Builds a recipe in code, as a library user does without a file: the canonical YAML and its
     * SHA-256 are derived as for a recipe read from a file.
     *
     * @param name the run's name
     * @param seed the seed
     * @param dataset the data
     * @param model the model section ({@link ModelSection#custom()} for a model built in code)
     * @param train the baseline training
     * @param lut the LUT conversion, or null for a baseline only
     * @param stages the conversion stages
     * @return the recipe
     */
    public static Recipe of(
            String name, long seed, DatasetSection dataset, ModelSection model, TrainSection train,
            LutSection lut, StagesSection stages) {
        String yaml = RecipeLoader.canonicalYaml(name, seed, dataset, model, train, lut, stages);
        return new Recipe(name, seed, dataset, model, train, lut, stages, "built in code", yaml,
                RecipeLoader.sha256(yaml));
    }

    /**
     * Starts a recipe in code. Each section comes from its own builder, checked as a recipe
     * file is; what is not set takes a recipe file's defaults: Fashion-MNIST, the
     * {@link ModelSection#custom() custom} model, the default training, and no {@code lut}
     * section (a baseline only).
     *
     * @param name the run's name: letters, digits, '.', '_' or '-'
     * @return the builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link Recipe} from checked sections. */
    public static final class Builder {
        private final String name;
        private long seed = RecipeLoader.DEFAULT_SEED;
        private DatasetSection dataset;
        private ModelSection model = ModelSection.custom();
        private TrainSection train = RecipeLoader.TRAIN_DEFAULTS;
        private LutSection lut;
        private StagesSection stages = StagesSection.defaults();

        Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the seed for initialisation, shuffling and the validation split.
         *
         * @param seed at least 0
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the data.
         *
         * @param dataset from {@link DatasetSection#builder}
         * @return this builder
         */
        public Builder optDataset(DatasetSection dataset) {
            this.dataset = dataset;
            return this;
        }

        /**
         * Sets the zoo model; a model built in code keeps the default.
         *
         * @param model the section
         * @return this builder
         */
        public Builder optModel(ModelSection model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the baseline training.
         *
         * @param train from {@link TrainSection#builder}
         * @return this builder
         */
        public Builder optTrain(TrainSection train) {
            this.train = train;
            return this;
        }

        /**
         * Makes the recipe a conversion, with these LUT layers.
         *
         * @param lut from {@link LutSection#builder}
         * @return this builder
         */
        public Builder optLut(LutSection lut) {
            this.lut = lut;
            return this;
        }

        /**
         * Sets how the conversion stages run.
         *
         * @param stages from {@link StagesSection#builder}
         * @return this builder
         */
        public Builder optStages(StagesSection stages) {
            this.stages = stages;
            return this;
        }

        /**
         * Checks the name and the seed and makes the recipe.
         *
         * @return the recipe
         * @throws RecipeException naming the setting that breaks the rules
         */
        public Recipe build() throws RecipeException {
            RecipeLoader.checkName("Recipe.builder()", name);
            if (seed < 0) {
                throw new RecipeException("Recipe.builder()", "seed", "an integer of at least 0", String.valueOf(seed));
            }
            DatasetSection data = dataset != null ? dataset : DatasetSection.builder("fashion-mnist").build();
            return of(name, seed, data, model, train, lut, stages);
        }
    }

    /**
     * Returns whether the recipe converts the model into a LUT model (it has a {@code lut}
     * section), rather than training a baseline only.
     *
     * @return whether stages 1-4 run
     */
    public boolean converts() {
        return lut != null;
    }
}
