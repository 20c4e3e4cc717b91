package ai.lutboost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lutboost convert}: stages 1-4 from a trained baseline. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        header = "Convert a trained baseline into a LUT model (stages kmeans to freeze).",
        description = "Reads the baseline checkpoint (from 'lutboost train' with the same --output, or "
                + "--baseline), swaps the recipe's layers for LUT layers, and runs k-means, calibrate, "
                + "finetune and freeze, checkpointing after every stage and epoch and inside long epochs "
                + "(--checkpoint-every). --resume continues an interrupted conversion; --from-stage and "
                + "--until-stage select stages.")
final class ConvertCommand extends BaseCommand {

    @Option(names = {"-r", "--recipe"}, required = true, paramLabel = "RECIPE",
            description = "Recipe file or shipped recipe name, with a lut section.")
    String recipe;

    @Mixin RecipeOptions options;

    @Mixin CheckpointOptions checkpoints;

    @Mixin StageOptions stages;

    @Override
    protected int doCall() throws Exception {
        RecipeRunner.convert(ShippedRecipes.load(recipe, options.overrides), options, checkpoints, common, out(),
                stages.from("kmeans"), stages.until(), stages.baseline);
        return ExitCodes.OK;
    }
}
