package ai.lutboost.cli;

import ai.djl.util.Progress;
import ai.lutboost.LutBoostException;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.pipeline.Pipeline;
import ai.lutboost.pipeline.PipelineReport;
import ai.lutboost.pipeline.PipelineResult;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.BaselineTrainer;
import ai.lutboost.training.EpochMetrics;
import ai.lutboost.training.ShutdownGate;
import ai.lutboost.training.TrainOptions;
import ai.lutboost.training.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/** What {@code train} and {@code run} share: options to library call to one-screen summary. */
final class RecipeRunner {

    private RecipeRunner() {}

    static TrainingResult trainBaseline(Recipe recipe, RecipeOptions options, CheckpointOptions checkpoints,
            CommonOptions common, PrintWriter out) throws LutBoostException {
        TrainOptions train = trainOptions(recipe, options, checkpoints, common, out);
        Path output = train.outputDir();
        if (!common.quiet) {
            out.printf(Locale.ROOT, "training %s (%s on %s, recipe SHA-256 %s) into %s%n",
                    recipe.name(), recipe.model().arch(), recipe.dataset().name(),
                    recipe.sha256().substring(0, 12), output);
            out.flush();
        }
        TrainingResult result = BaselineTrainer.train(recipe, train);
        printSummary(result, out);
        return result;
    }

    static PipelineReport convert(Recipe recipe, RecipeOptions options, CheckpointOptions checkpoints,
            CommonOptions common, PrintWriter out, String from, String until, Path baseline)
            throws LutBoostException, BundleFormatException {
        TrainOptions train = trainOptions(recipe, options, checkpoints, common, out);
        Pipeline pipeline = Pipeline.builder()
                .setRecipe(recipe)
                .setOptions(train)
                .optFromStage(from)
                .optUntilStage(until)
                .optBaseline(baseline)
                .build();
        if (!common.quiet) {
            out.printf(Locale.ROOT, "running %s (%s on %s, recipe SHA-256 %s), stages %s to %s, into %s%n",
                    recipe.name(), recipe.model().arch(), recipe.dataset().name(),
                    recipe.sha256().substring(0, 12), from, until, train.outputDir());
            out.flush();
        }
        try (PipelineResult result = pipeline.run()) {
            out.println();
            out.print(result.report().table());
            out.printf(Locale.ROOT, "report            %s%n", result.reportFile());
            out.flush();
            if (result.model() != null && result.report().stage("freeze") != null) {
                Path bundle = BundleRunner.defaultBundle(train.outputDir());
                try {
                    BundleRunner.export(recipe, result.model(), options.dataDir, bundle, BundleExporter.DEFAULT_GOLDEN,
                            common.quiet, out);
                } catch (LoweringException e) {
                    // The conversion itself succeeded and is checkpointed; only the hardware
                    // bundle is missing, and `lutboost export` fails with the same reason.
                    out.printf(Locale.ROOT, "bundle            not exported: %s%n", e.getMessage());
                    out.flush();
                    return result.report();
                }
                int limit = recipe.dataset().testLimit() > 0 ? recipe.dataset().testLimit() : Integer.MAX_VALUE;
                BundleRunner.verify(bundle, result.model(), options.dataDir, limit,
                        Runtime.getRuntime().availableProcessors(), common.quiet, out);
            }
            return result.report();
        }
    }

    static Path outputDir(Recipe recipe, RecipeOptions options) {
        return options.output != null ? options.output : Path.of("runs", recipe.name());
    }

    /** Loads the finished freeze stage of a run (every stage skipped, its checkpoint restored) and exports it. */
    static void exportFrozen(Recipe recipe, RecipeOptions options, CommonOptions common, PrintWriter out, Path baseline,
            Path bundle, int golden) throws LutBoostException {
        ShutdownGate.setAdvice("run the same command to export again");
        TrainOptions resumed =
                new TrainOptions(outputDir(recipe, options), options.dataDir, true, options.device(), null, line -> { });
        // From kmeans, resuming: nothing is retrained, the finished freeze stage's checkpoint is restored.
        Pipeline pipeline = Pipeline.builder().setRecipe(recipe).setOptions(resumed).optFromStage("kmeans")
                .optBaseline(baseline).build();
        try (PipelineResult result = pipeline.run()) {
            BundleRunner.export(recipe, result.model(), options.dataDir, bundle, golden, common.quiet, out);
        }
    }

    private static TrainOptions trainOptions(Recipe recipe, RecipeOptions options, CheckpointOptions checkpoints,
            CommonOptions common, PrintWriter out) {
        Path output = outputDir(recipe, options);
        Consumer<String> log = line -> {
            if (!common.quiet) {
                out.println(line);
                out.flush();
            }
        };
        ShutdownGate.setAdvice("run the same command with --resume to continue from the last checkpoint");
        Progress progress = null;
        if (!common.quiet) {
            progress = System.console() != null ? new TerminalProgress(System.out) : new LogProgress(log);
        }
        return new TrainOptions(
                output,
                options.dataDir,
                checkpoints.resume,
                options.device(),
                progress,
                log,
                checkpoints.checkpointInterval());
    }

    static void printSummary(TrainingResult r, PrintWriter out) {
        double perEpoch = r.history().isEmpty() ? 0 : r.totalSeconds() / r.history().size();
        EpochMetrics last = r.history().isEmpty() ? null : r.history().get(r.history().size() - 1);
        out.println();
        out.printf(Locale.ROOT, "recipe            %s%n", r.recipeName());
        out.printf(Locale.ROOT, "parameters        %,d%n", r.parameterCount());
        out.printf(Locale.ROOT, "epochs            %d (%.1f s per epoch, %.1f s in all)%n",
                r.history().size(), perEpoch, r.totalSeconds());
        if (last != null) {
            out.printf(Locale.ROOT, "final train loss  %.4f%n", last.trainLoss());
            out.printf(Locale.ROOT, "validation acc    %.2f %%%n", 100 * last.validationAccuracy());
        }
        out.printf(Locale.ROOT, "test accuracy     %.2f %% (%d samples)%n", 100 * r.testAccuracy(), r.testSamples());
        out.printf(Locale.ROOT, "checkpoint        %s%n", r.checkpoint());
        out.printf(Locale.ROOT, "metrics           %s%n", r.metricsFile());
        out.flush();
    }
}
