package ai.lutboost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lutboost train}: baseline training from a recipe. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        header = "Train a recipe's baseline model.",
        description = "Trains the recipe's float model with DJL, checkpointing atomically after every epoch "
                + "and inside long epochs (--checkpoint-every), then evaluates it on the test split and writes "
                + "metrics.json beside the checkpoints. "
                + "--recipe takes a file or the name of a shipped recipe (e.g. fashion-lenet5).")
final class TrainCommand extends BaseCommand {

    @Option(names = {"-r", "--recipe"}, required = true, paramLabel = "RECIPE",
            description = "Recipe file or shipped recipe name.")
    String recipe;

    @Mixin RecipeOptions options;

    @Mixin CheckpointOptions checkpoints;

    @Override
    protected int doCall() throws Exception {
        RecipeRunner.trainBaseline(ShippedRecipes.load(recipe, options.overrides), options, checkpoints, common, out());
        return ExitCodes.OK;
    }
}
