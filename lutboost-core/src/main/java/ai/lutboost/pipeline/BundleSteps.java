package ai.lutboost.pipeline;

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
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The two steps after the freeze stage: export the frozen model's bundle from the plan the stage
 * calibrated, and verify it, the engine against the integer simulation on every logit of the test
 * split. The command line, the {@code Conversion} facade and {@code lutboost verify} all take them
 * from here.
 */
public final class BundleSteps {

    /**
     * What verifying a bundle found.
     *
     * @param result the engine against the simulation, and the golden vectors
     * @param seconds how long loading the bundle and that comparison took, without the float model's
     *     classes
     * @param sameClassAsFloat samples on which the engine picks the frozen float model's class, or
     *     -1 when no float model was given
     * @param floatAccuracy the frozen float model's accuracy on the same samples, NaN without it
     */
    public record Verification(BundleVerifier.Result result, double seconds, int sameClassAsFloat,
            double floatAccuracy) {

        /**
         * Returns whether every sample and every golden vector is identical.
         *
         * @return whether the bundle verified
         */
        public boolean identical() {
            return result.identical() == result.samples() && result.goldenIdentical() == result.goldenSamples();
        }

        /**
         * Says what differs, for the failure message.
         *
         * @return the counts and the first mismatch
         */
        public String failure() {
            return "verify failed: " + (result.samples() - result.identical()) + " of " + result.samples()
                    + " samples differ" + (result.firstMismatch() == null ? "" : "; first mismatch at "
                    + result.firstMismatch()) + "; " + (result.goldenSamples() - result.goldenIdentical())
                    + " golden samples differ";
        }
    }

    private BundleSteps() {}

    /**
     * Exports a frozen model's bundle with golden vectors computed on the first test images.
     *
     * @param recipe the recipe the model was converted with
     * @param model the model after the freeze stage
     * @param dataDir where the dataset is, or null to search
     * @param bundle a directory, or a file ending in {@code .lutb}
     * @param golden golden samples
     * @param progress given the golden samples to compute, what receives how many are done; or null
     * @return what was written
     * @throws LutBoostException if the model has no integer form or the bundle cannot be written
     */
    public static BundleExporter.Result export(Recipe recipe, ConvertedModel model, Path dataDir, Path bundle,
            int golden, IntFunction<IntConsumer> progress) throws LutBoostException {
        DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
        LabeledImages test = DatasetLoader.find(d, dataDir, true);
        try (NDManager manager = NDManager.newBaseManager()) {
            return BundleExporter.export(model.block(), model.datapathPlan(), recipe, d, test, bundle, golden, manager,
                    progress == null ? null : progress.apply(Math.min(golden, test.count())));
        } catch (IOException e) {
            throw OutputPathException.of("bundle " + bundle, e);
        }
    }

    /**
     * Verifies a bundle on the test split of the dataset its manifest names; given the frozen
     * float model the bundle came from, also counts how often the engine picks that model's class,
     * the bundle's fidelity to its model, which bit-exactness against the simulation does not show.
     *
     * @param bundle the bundle
     * @param frozen the float model, or null
     * @param dataDir where the dataset is, or null to search
     * @param limit the first test samples to compare
     * @param threads the engine's threads
     * @param progress given the samples to compare, what receives how many are done; or null
     * @return what was found
     * @throws BundleFormatException if the bundle is not valid
     * @throws LutBoostException if the dataset cannot be read
     */
    public static Verification verify(Path bundle, ConvertedModel frozen, Path dataDir, int limit, int threads,
            IntFunction<IntConsumer> progress) throws BundleFormatException, LutBoostException {
        long start = System.nanoTime();
        LutModel engine = LutModel.load(bundle);
        DatasetDescriptor d = Datasets.byName(datasetName(engine));
        LabeledImages test = DatasetLoader.find(d, dataDir, true);
        BundleVerifier.Result r;
        try (NDManager manager = NDManager.newBaseManager()) {
            r = BundleVerifier.verify(engine, bundle, d, test, limit, threads, manager,
                    progress == null ? null : progress.apply(Math.min(limit, test.count())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (frozen == null) {
            return new Verification(r, seconds, -1, Double.NaN);
        }
        int n = r.samples();
        int[] floatClasses;
        // Hard assignment, as the stages measure their test accuracy.
        try (NDManager manager = NDManager.newBaseManager();
                LayerScope<LutMode> hard = LayerScope.mode(frozen.layers().values(), LutMode.HARD)) {
            floatClasses = BundleVerifier.floatClasses(frozen.block(), d, test, n, manager);
        }
        int same = 0;
        int floatCorrect = 0;
        for (int i = 0; i < n; i++) {
            same += floatClasses[i] == r.engineClasses()[i] ? 1 : 0;
            floatCorrect += floatClasses[i] == test.labels()[i] ? 1 : 0;
        }
        return new Verification(r, seconds, same, (double) floatCorrect / n);
    }

    /**
     * Returns the dataset a bundle's manifest names.
     *
     * @param engine the loaded bundle
     * @return the dataset's name
     * @throws BundleFormatException if the manifest names none
     */
    public static String datasetName(LutModel engine) throws BundleFormatException {
        Object dataset = engine.provenance().get("dataset");
        if (dataset instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            return name;
        }
        throw new BundleFormatException("manifest.json", "dataset.name is missing");
    }
}
