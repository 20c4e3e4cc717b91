package ai.lutboost.cli;

import ai.lutboost.recipe.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lutboost run}: the whole job on a recipe, the quickstart recipe by default. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        header = "Run the whole job on a recipe (default: the quickstart recipe).",
        description = "Runs every stage the recipe defines: baseline training, then (for a recipe with a "
                + "lut section) k-means, calibrate, finetune and freeze, with an atomic checkpoint "
                + "after every stage and epoch; --resume continues an interrupted run and skips "
                + "finished stages. Writes report.json and prints accuracy per stage.")
final class RunCommand extends BaseCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "RECIPE",
            defaultValue = ShippedRecipes.DEFAULT,
            description = "Recipe file or shipped recipe name (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Mixin RecipeOptions options;

    @Mixin StageOptions stages;

    @Override
    protected int doCall() throws Exception {
        Recipe r = ShippedRecipes.load(recipe, options.overrides);
        if (!r.converts()) {
            RecipeRunner.trainBaseline(r, options, common, out());
        } else {
            RecipeRunner.convert(r, options, common, out(), stages.from("baseline"), stages.until(), stages.baseline);
        }
        return ExitCodes.OK;
    }
}
