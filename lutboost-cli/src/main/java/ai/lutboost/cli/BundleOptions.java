package ai.lutboost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that run a bundle on a split of its dataset. */
final class BundleOptions {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Samples, the first of the split (default: ${DEFAULT-VALUE}, the whole Fashion-MNIST test"
                    + " split).")
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
        return threads("--threads", threads);
    }

    /**
     * The engine threads asked for with an option, or the processors.
     *
     * @param option the option's name, for the message
     * @param requested its value, or null when not given
     * @return the thread count
     */
    static int threads(String option, Integer requested) {
        if (requested != null && requested < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + requested);
        }
        return requested != null ? requested : Runtime.getRuntime().availableProcessors();
    }
}
