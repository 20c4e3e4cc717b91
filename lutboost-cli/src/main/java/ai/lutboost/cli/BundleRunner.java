package ai.lutboost.cli;

import ai.lutboost.LutBoostException;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.export.BundleVerifier;
import ai.lutboost.pipeline.BundleSteps;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.stage.ConvertedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntConsumer;

/** Prints the bundle steps of {@code export}, {@code verify} and the end of {@code run}. */
final class BundleRunner {

    private BundleRunner() {}

    static Path defaultBundle(Path output) {
        return output.resolve("bundle");
    }

    static void export(Recipe recipe, ConvertedModel model, Path dataDir, Path bundle, int golden, boolean quiet,
            PrintWriter out) throws LutBoostException {
        long start = System.nanoTime();
        BundleExporter.Result r = BundleSteps.export(recipe, model, dataDir, bundle, golden,
                quiet ? null : total -> sampleProgress("export golden vectors", total, start));
        out.printf(Locale.ROOT, "bundle            %s (%d ops, %d golden samples, %.1f s)%n", r.bundle(),
                r.model().ops().size(), r.golden().samples(), (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    /**
     * Verifies a bundle on the test split and prints the outcome; given the frozen float model the
     * bundle came from, also how often the engine picks that model's class.
     *
     * @param frozen the float model, or null to skip the comparison
     */
    static BundleSteps.Verification verify(Path bundle, ConvertedModel frozen, Path dataDir, int limit, int threads,
            boolean quiet, PrintWriter out) throws LutBoostException, BundleFormatException {
        long start = System.nanoTime();
        BundleSteps.Verification v = BundleSteps.verify(bundle, frozen, dataDir, limit, threads,
                quiet ? null : total -> sampleProgress("verify", total, start));
        BundleVerifier.Result r = v.result();
        out.printf(Locale.ROOT, "verify            %d/%d identical (integer simulation vs engine, every logit)"
                + " in %.1f s%n", r.identical(), r.samples(), v.seconds());
        out.printf(Locale.ROOT, "golden vectors    %d/%d identical%n", r.goldenIdentical(), r.goldenSamples());
        out.printf(Locale.ROOT, "engine accuracy   %.2f %% (%d samples)%n", 100 * r.engineAccuracy(), r.samples());
        out.flush();
        if (!v.identical()) {
            throw new LutBoostException(v.failure());
        }
        if (frozen != null) {
            out.printf(Locale.ROOT, "engine vs float   %d/%d same class; float %.2f %%, engine %.2f %% (%+.2f)%n",
                    v.sameClassAsFloat(), r.samples(), 100 * v.floatAccuracy(), 100 * r.engineAccuracy(),
                    100 * r.engineAccuracy() - 100 * v.floatAccuracy());
            out.flush();
        }
        return v;
    }

    /**
     * Progress of a sample loop: a count redrawn in place on a terminal (its line ended when the
     * loop is done), and otherwise a line per tenth, so that a run whose output goes to a log file
     * still shows how far it has come and how fast.
     */
    static IntConsumer sampleProgress(String task, int total, long startNanos) {
        if (System.console() != null) {
            return done -> System.err.printf(Locale.ROOT, "\r%s %d/%d%s", task, done, total, done >= total ? "\n" : "");
        }
        int[] reported = {0};
        return done -> {
            int tenth = (int) (10L * done / Math.max(1, total));
            if (tenth > reported[0]) {
                reported[0] = tenth;
                System.err.printf(Locale.ROOT, "%s %d/%d (%.0f s)%n", task, done, total,
                        (System.nanoTime() - startNanos) / 1e9);
            }
        };
    }
}
