package ai.lutboost.cli;

import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lutboost eval --bundle}: test accuracy computed by the Java engine. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        header = "Measure a bundle's test accuracy with the Java engine.",
        description = "Loads the bundle (checking every file), quantizes the test images as the datapath "
                + "does, and classifies them on several threads. Prints accuracy and samples per second.")
final class EvalCommand extends BaseCommand {

    @Mixin BundleOptions bundle;

    @Override
    protected int doCall() throws Exception {
        int threads = bundle.checkedThreads();
        LutModel engine = LutModel.load(bundle.bundle);
        DatasetDescriptor d = Datasets.byName(BundleRunner.datasetName(engine));
        LabeledImages test = BundleRunner.images(d, bundle.dataDir, true);
        int n = Math.min(bundle.samples, test.count());
        int[][] inputs = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = engine.quantize(ImageClassificationDataset.normalized(test, d, i));
        }
        long start = System.nanoTime();
        int[][] logits = engine.predict(inputs, threads);
        double seconds = (System.nanoTime() - start) / 1e9;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += LutModel.argmax(logits[i]) == test.labels()[i] ? 1 : 0;
        }
        out().printf(Locale.ROOT, "engine accuracy   %.2f %% (%d/%d)%n", 100.0 * correct / n, correct, n);
        out().printf(Locale.ROOT, "engine speed      %.0f samples/s (%.3f s)%n", n / seconds, seconds);
        out().flush();
        return ExitCodes.OK;
    }
}
