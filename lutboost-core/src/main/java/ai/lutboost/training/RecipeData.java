package ai.lutboost.training;

import ai.lutboost.datasets.DatasetException;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.Split;
import ai.lutboost.recipe.Recipe;
import java.nio.file.Path;

/** The splits a recipe's data section describes, the same for every stage. */
public final class RecipeData {

    private RecipeData() {}

    /**
     * Starts a dataset builder for one split, with the recipe's dataset, validation fraction,
     * seed and training limit; the caller sets sampling and may set a limit.
     *
     * @param recipe the recipe
     * @param dataDir an explicit dataset directory, or null to locate it
     * @param split the split
     * @return the builder
     * @throws DatasetException if the recipe names an unknown dataset
     */
    public static ImageClassificationDataset.Builder builder(Recipe recipe, Path dataDir, Split split)
            throws DatasetException {
        ImageClassificationDataset.Builder b = ImageClassificationDataset.builder()
                .optDataset(Datasets.byName(recipe.dataset().name()))
                .optDataDir(dataDir)
                .optSplit(split)
                .optValidationFraction(recipe.dataset().validationFraction())
                .optSplitSeed(recipe.seed());
        if (split == Split.TRAIN && recipe.dataset().trainLimit() > 0) {
            b.optLimit(recipe.dataset().trainLimit());
        }
        if (split == Split.TEST && recipe.dataset().testLimit() > 0) {
            b.optLimit(recipe.dataset().testLimit());
        }
        return b;
    }
}
