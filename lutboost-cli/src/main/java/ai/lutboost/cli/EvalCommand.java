package ai.lutboost.cli;

import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;
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

    /** Samples per engine call. */
    private static final int SLICE = 500;

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
        IntConsumer progress = common.quiet ? null : BundleRunner.sampleProgress("eval", n, start);
        int correct = 0;
        // In slices, so that a slow model (a residual CNN runs tens of samples a second) shows progress.
        for (int from = 0; from < n; from += SLICE) {
            int to = Math.min(n, from + SLICE);
            int[][] logits = engine.predict(Arrays.copyOfRange(inputs, from, to), threads);
            for (int i = from; i < to; i++) {
                correct += LutModel.argmax(logits[i - from]) == test.labels()[i] ? 1 : 0;
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out().printf(Locale.ROOT, "engine accuracy   %.2f %% (%d/%d)%n", 100.0 * correct / n, correct, n);
        out().printf(Locale.ROOT, "engine speed      %.0f samples/s (%.3f s)%n", n / seconds, seconds);
        out().flush();
        return ExitCodes.OK;
    }
}
