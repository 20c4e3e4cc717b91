package ai.lutboost.cli;

import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.DatasetException;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.Split;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.LutModel;
import ai.lutboost.pipeline.BundleSteps;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.recipe.RecipeLoader;
import ai.lutboost.training.RecipeData;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lutboost eval --bundle}: accuracy computed by the Java engine, on the test or validation split. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        header = "Measure a bundle's accuracy with the Java engine.",
        description = "Loads the bundle (checking every file), quantizes the images of a split as the datapath "
                + "does, and classifies them on several threads. Prints accuracy and samples per second. "
                + "--split validation runs the training images the bundle's recipe held out (its seed and "
                + "validationFraction), so that conversions can be compared without looking at the test split.")
final class EvalCommand extends BaseCommand {

    /** Samples per engine call. */
    private static final int SLICE = 500;

    @Mixin BundleOptions bundle;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test or validation (default: ${DEFAULT-VALUE}).")
    String split;

    @Override
    protected int doCall() throws Exception {
        int threads = bundle.checkedThreads();
        Split chosen = switch (split) {
            case "test" -> Split.TEST;
            case "validation" -> Split.VALIDATION;
            default -> throw new IllegalArgumentException("--split must be test or validation, got '" + split + "'");
        };
        LutModel engine = LutModel.load(bundle.bundle);
        DatasetDescriptor d = Datasets.byName(BundleSteps.datasetName(engine));
        ImageClassificationDataset.Builder builder = chosen == Split.TEST
                ? ImageClassificationDataset.builder().optDataset(d).optDataDir(bundle.dataDir).optSplit(Split.TEST)
                : validationSplit(engine);
        ImageClassificationDataset data = builder.setSampling(1, false).build();
        int n = (int) Math.min(bundle.samples, data.size());
        int[][] inputs = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = engine.quantize(data.image(i));
        }
        long start = System.nanoTime();
        IntConsumer progress = common.quiet ? null : BundleRunner.sampleProgress("eval", n, start);
        int correct = 0;
        // In slices, so that a slow model (a residual CNN runs tens of samples a second) shows progress.
        for (int from = 0; from < n; from += SLICE) {
            int to = Math.min(n, from + SLICE);
            int[][] logits = engine.predict(Arrays.copyOfRange(inputs, from, to), threads);
            for (int i = from; i < to; i++) {
                correct += LutModel.argmax(logits[i - from]) == data.label(i) ? 1 : 0;
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out().printf(Locale.ROOT, "engine accuracy   %.2f %% (%d/%d%s)%n", 100.0 * correct / n, correct, n,
                chosen == Split.TEST ? "" : ", validation split");
        out().printf(Locale.ROOT, "engine speed      %.0f samples/s (%.3f s)%n", n / seconds, seconds);
        out().flush();
        return ExitCodes.OK;
    }

    /** The validation split as training saw it: the recipe recorded in the bundle chooses it. */
    private ImageClassificationDataset.Builder validationSplit(LutModel engine)
            throws BundleFormatException, RecipeException, DatasetException {
        if (!(engine.provenance().get("recipe") instanceof Map<?, ?> r && r.get("yaml") instanceof String yaml)) {
            throw new BundleFormatException("manifest.json", "recipe.yaml is missing, so the validation split is"
                    + " unknown");
        }
        Recipe recipe = RecipeLoader.parse(bundle.bundle + " (manifest.json, recipe.yaml)", yaml, List.of());
        if (recipe.dataset().validationFraction() == 0) {
            throw new IllegalArgumentException("the recipe " + recipe.name() + " in " + bundle.bundle
                    + " held out no validation images (dataset.validationFraction 0); use --split test");
        }
        return RecipeData.builder(recipe, bundle.dataDir, Split.VALIDATION);
    }
}
