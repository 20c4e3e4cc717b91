package ai.lutboost.recipe;

/**
 * A resolved recipe: every setting with its default filled in.
 *
 * @param name the run's name
 * @param seed the seed for initialisation, shuffling and the validation split
 * @param dataset the data
 * @param model the model
 * @param train the baseline training
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
        String source,
        String resolvedYaml,
        String sha256) {}
