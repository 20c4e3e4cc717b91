package ai.lutboost.cli;

import ai.djl.ndarray.NDManager;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.DatasetLoader;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.export.BundleVerifier;
import ai.lutboost.layer.LutMode;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.stage.ConvertedModel;
import ai.lutboost.stage.LayerScope;
import ai.lutboost.training.OutputPathException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/** What {@code export}, {@code verify}, {@code eval --bundle} and the end of {@code run} share. */
final class BundleRunner {

    private BundleRunner() {}

    static LabeledImages images(DatasetDescriptor d, Path dataDir, boolean test) throws LutBoostException {
        return DatasetLoader.find(d, dataDir, test);
    }

    static Path defaultBundle(Path output) {
        return output.resolve("bundle");
    }

    static void export(Recipe recipe, ConvertedModel model, Path dataDir, Path bundle, int golden, boolean quiet,
            PrintWriter out) throws LutBoostException {
        DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            LabeledImages test = images(d, dataDir, true);
            IntConsumer progress = quiet ? null : sampleProgress("export golden vectors", Math.min(golden, test.count()),
                    start);
            BundleExporter.Result r = BundleExporter.export(model.block(), model.datapathPlan(), recipe, d, test, bundle,
                    golden, manager, progress);
            out.printf(Locale.ROOT, "bundle            %s (%d ops, %d golden samples, %.1f s)%n", r.bundle(),
                    r.model().ops().size(), r.golden().samples(), (System.nanoTime() - start) / 1e9);
            out.flush();
        } catch (IOException e) {
            throw OutputPathException.of("bundle " + bundle, e);
        }
    }

    /**
     * Verifies a bundle on the test split and prints the outcome; given the frozen float model the
     * bundle came from, also how often the engine picks that model's class.
     *
     * @param frozen the float model, or null to skip the comparison
     */
    static BundleVerifier.Result verify(Path bundle, ConvertedModel frozen, Path dataDir, int limit, int threads,
            boolean quiet, PrintWriter out) throws LutBoostException, BundleFormatException {
        LutModel engine = LutModel.load(bundle);
        DatasetDescriptor d = Datasets.byName(datasetName(engine));
        LabeledImages test = images(d, dataDir, true);
        long start = System.nanoTime();
        BundleVerifier.Result r;
        try (NDManager manager = NDManager.newBaseManager()) {
            int total = Math.min(limit, test.count());
            r = BundleVerifier.verify(engine, bundle, d, test, limit, threads, manager,
                    quiet ? null : sampleProgress("verify", total, start));
        }
        out.printf(Locale.ROOT, "verify            %d/%d identical (integer simulation vs engine, every logit)"
                + " in %.1f s%n", r.identical(), r.samples(), (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "golden vectors    %d/%d identical%n", r.goldenIdentical(), r.goldenSamples());
        out.printf(Locale.ROOT, "engine accuracy   %.2f %% (%d samples)%n", 100 * r.engineAccuracy(), r.samples());
        out.flush();
        if (r.identical() != r.samples() || r.goldenIdentical() != r.goldenSamples()) {
            throw new LutBoostException("verify failed: " + (r.samples() - r.identical()) + " of " + r.samples()
                    + " samples differ" + (r.firstMismatch() == null ? "" : "; first mismatch at " + r.firstMismatch())
                    + "; " + (r.goldenSamples() - r.goldenIdentical()) + " golden samples differ");
        }
        if (frozen != null) {
            compareWithFloat(frozen, d, test, r, out);
        }
        return r;
    }

    /**
     * Prints how often the engine picks the frozen float model's class on the verified samples,
     * and both accuracies: the bundle's fidelity to the model it came from, which bit-exactness
     * against the simulation does not show.
     */
    private static void compareWithFloat(ConvertedModel model, DatasetDescriptor d, LabeledImages test,
            BundleVerifier.Result verified, PrintWriter out) {
        int n = verified.samples();
        int[] floatClasses;
        // Hard assignment, as the stages measure their test accuracy.
        try (NDManager manager = NDManager.newBaseManager();
                LayerScope<LutMode> hard = LayerScope.mode(model.layers().values(), LutMode.HARD)) {
            floatClasses = BundleVerifier.floatClasses(model.block(), d, test, n, manager);
        }
        int same = 0;
        int floatCorrect = 0;
        for (int i = 0; i < n; i++) {
            same += floatClasses[i] == verified.engineClasses()[i] ? 1 : 0;
            floatCorrect += floatClasses[i] == test.labels()[i] ? 1 : 0;
        }
        out.printf(Locale.ROOT, "engine vs float   %d/%d same class; float %.2f %%, engine %.2f %% (%+.2f)%n", same, n,
                100.0 * floatCorrect / n, 100 * verified.engineAccuracy(),
                100 * verified.engineAccuracy() - 100.0 * floatCorrect / n);
        out.flush();
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

    @SuppressWarnings("unchecked")
    static String datasetName(LutModel engine) throws BundleFormatException {
        Object dataset = engine.provenance().get("dataset");
        if (dataset instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            return name;
        }
        throw new BundleFormatException("manifest.json", "dataset.name is missing");
    }
}
