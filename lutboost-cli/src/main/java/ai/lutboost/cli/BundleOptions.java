package ai.lutboost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that run a bundle on the test split. */
final class BundleOptions {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Test samples (default: ${DEFAULT-VALUE}, the whole Fashion-MNIST test split).")
    int samples;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (default: the processors).")
    Integer threads;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset is (default: search).")
    Path dataDir;

    /** Checks the counts and returns the engine threads. */
    int checkedThreads() {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1");
        }
        return threads(threads);
    }

    static int threads(Integer requested) {
        if (requested != null && requested < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return requested != null ? requested : Runtime.getRuntime().availableProcessors();
    }
}
