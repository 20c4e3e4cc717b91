package ai.lutboost.cli;

import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lutboost eval --bundle}: test accuracy computed by the Java engine. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        header = "Measure a bundle's test accuracy with the Java engine.",
        description = {
            "Loads the bundle (checking every file), quantizes the test images as the datapath",
            "does, and classifies them on several threads. Prints accuracy and samples per second."
        })
final class EvalCommand extends BaseCommand {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Test samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (default: the processors).")
    Integer threads;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset is (default: search).")
    Path dataDir;

    @Override
    protected int doCall() throws Exception {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1");
        }
        LutModel engine = LutModel.load(bundle);
        DatasetDescriptor d = Datasets.byName(BundleRunner.datasetName(engine));
        LabeledImages test = BundleRunner.images(d, dataDir, true);
        int n = Math.min(samples, test.count());
        int[][] inputs = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = engine.quantize(ImageClassificationDataset.normalized(test, d, i));
        }
        long start = System.nanoTime();
        int[][] logits = engine.predict(inputs, VerifyCommand.threads(threads));
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
