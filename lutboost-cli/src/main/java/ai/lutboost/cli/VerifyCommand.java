package ai.lutboost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lutboost verify}: integer simulation against the engine, sample by sample. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        header = "Check that the Java engine computes the integer simulation's logits exactly.",
        description = "Runs the training-side integer simulation (DJL, float64) and the engine (plain "
                + "Java) on the test split and compares every logit of every sample; on a mismatch "
                + "it names the first tensor and index where the two part. Also checks the bundle's "
                + "golden vectors. Exit code 1 unless everything is identical.")
final class VerifyCommand extends BaseCommand {

    @Mixin BundleOptions bundle;

    @Override
    protected int doCall() throws Exception {
        int threads = bundle.checkedThreads();
        BundleRunner.verify(bundle.bundle, null, bundle.dataDir, bundle.samples, threads, common.quiet, out());
        return ExitCodes.OK;
    }
}
