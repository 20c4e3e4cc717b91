package ai.lutboost.cli;

import ai.lutboost.recipe.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code lutboost run}: the whole job on a recipe, the quickstart recipe by default. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        header = "Run the whole job on a recipe (default: the quickstart recipe).",
        description = "Runs every stage the recipe defines: baseline training, then (for a recipe with a "
                + "lut section) k-means, calibrate, finetune and freeze, with an atomic checkpoint "
                + "after every stage and epoch and inside long epochs (--checkpoint-every); --resume "
                + "continues an interrupted run and skips finished stages. Writes report.json and prints "
                + "accuracy per stage.")
final class RunCommand extends BaseCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "RECIPE",
            description = "Recipe file or shipped recipe name (default: " + ShippedRecipes.DEFAULT + ").")
    String recipe;

    // train, convert, export and dse name their recipe with -r; run accepts it too, so a command line
    // can move from one to the other unchanged.
    @Option(names = {"-r", "--recipe"}, paramLabel = "RECIPE", description = "The same as RECIPE.")
    String recipeOption;

    @Mixin RecipeOptions options;

    @Mixin CheckpointOptions checkpoints;

    @Mixin StageOptions stages;

    @Override
    protected int doCall() throws Exception {
        if (recipe != null && recipeOption != null && !recipe.equals(recipeOption)) {
            throw new ParameterException(spec.commandLine(),
                    "two recipes given: '" + recipe + "' and --recipe '" + recipeOption + "'; give one");
        }
        String name = recipe != null ? recipe : recipeOption != null ? recipeOption : ShippedRecipes.DEFAULT;
        Recipe r = ShippedRecipes.load(name, options.overrides);
        if (!r.converts()) {
            RecipeRunner.trainBaseline(r, options, checkpoints, common, out());
        } else {
            RecipeRunner.convert(r, options, checkpoints, common, out(), stages.from("baseline"), stages.until(),
                    stages.baseline);
        }
        return ExitCodes.OK;
    }
}
