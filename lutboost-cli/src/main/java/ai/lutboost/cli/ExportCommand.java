package ai.lutboost.cli;

import ai.lutboost.pipeline.PipelineReport;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lutboost export}: the frozen model of a finished conversion as a table bundle. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        header = "Export a frozen LUT model as a table bundle for hardware and the Java engine.",
        description = "Loads the freeze stage's checkpoint and datapath plan (every tensor's format, "
                + "calibrated once by that stage) from the run directory and writes the bundle: manifest, "
                + "integer tables, centroids, biases, dense int layers, hw/*.mem images and golden vectors, "
                + "each with its SHA-256. A path ending in .lutb gives one zip file, any other a directory. "
                + "Writing is atomic, and the same checkpoint always gives the same bytes.")
final class ExportCommand extends BaseCommand {

    @Option(names = {"-r", "--recipe"}, required = true, paramLabel = "RECIPE",
            description = "The recipe the model was converted with.")
    String recipe;

    @Mixin RecipeOptions options;

    @Option(names = "--baseline", paramLabel = "CKPT",
            description = "The baseline the model was converted from (default: <output>/checkpoints/baseline.ckpt).")
    Path baseline;

    @Option(names = "--bundle", paramLabel = "PATH",
            description = "Where to write (default: <output>/bundle).")
    Path bundle;

    @Option(names = "--golden", paramLabel = "N", defaultValue = "256",
            description = "Test images written as golden vectors (default: ${DEFAULT-VALUE}).")
    int golden;

    @Override
    protected int doCall() throws Exception {
        if (golden < 1) {
            throw new IllegalArgumentException("--golden must be at least 1");
        }
        Recipe r = ShippedRecipes.load(recipe, options.overrides);
        Path output = RecipeRunner.outputDir(r, options);
        Path report = output.resolve(PipelineReport.FILE);
        if (!Files.isRegularFile(report) || PipelineReport.read(report).stage("freeze") == null) {
            throw new CheckpointException("no finished freeze stage in " + output + "; run 'lutboost convert -r "
                    + recipe + "' (same --output) first");
        }
        Path base = baseline != null ? baseline : output.resolve("checkpoints").resolve("baseline.ckpt");
        if (!Files.isRegularFile(base)) {
            throw new CheckpointException("baseline checkpoint " + base + " not found; pass the one the model was"
                    + " converted from with --baseline");
        }
        RecipeRunner.exportFrozen(r, options, common, out(), base,
                bundle != null ? bundle : BundleRunner.defaultBundle(output), golden);
        return ExitCodes.OK;
    }
}
