package ai.lutboost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lutboost run}: the whole job on a recipe, the quickstart recipe by default. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        header = "Run the whole job on a recipe (default: the quickstart recipe).",
        description = {
            "Runs every stage the recipe defines, from stage 0 (baseline training), with a",
            "checkpoint after every epoch; --resume continues an interrupted run."
        })
final class RunCommand extends BaseCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "RECIPE",
            defaultValue = ShippedRecipes.DEFAULT,
            description = "Recipe file or shipped recipe name (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Mixin RecipeOptions options;

    @Override
    protected int doCall() throws Exception {
        RecipeRunner.trainBaseline(ShippedRecipes.load(recipe, options.overrides), options, common, out());
        return ExitCodes.OK;
    }
}
