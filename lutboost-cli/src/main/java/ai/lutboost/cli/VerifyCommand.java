package ai.lutboost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lutboost verify}: integer simulation against the engine, sample by sample. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        header = "Check that the Java engine computes the integer simulation's logits exactly.",
        description = {
            "Runs the training-side integer simulation (DJL, float64) and the engine (plain",
            "Java) on the test split and compares every logit of every sample; on a mismatch",
            "it names the first tensor and index where the two part. Also checks the bundle's",
            "golden vectors. Exit code 1 unless everything is identical."
        })
final class VerifyCommand extends BaseCommand {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Test samples to compare (default: ${DEFAULT-VALUE}, the whole Fashion-MNIST test split).")
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
        BundleRunner.verify(bundle, dataDir, samples, threads(threads), common.quiet, out());
        return ExitCodes.OK;
    }

    static int threads(Integer requested) {
        if (requested != null && requested < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return requested != null ? requested : Runtime.getRuntime().availableProcessors();
    }
}
