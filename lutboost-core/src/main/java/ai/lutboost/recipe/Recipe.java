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
     * Returns whether the recipe converts the model into a LUT model (it has a {@code lut}
     * section), rather than training a baseline only.
     *
     * @return whether stages 1-4 run
     */
    public boolean converts() {
        return lut != null;
    }
}
