package ai.lutboost.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options of commands that train: {@code train}, {@code convert} and {@code run}. {@code export}
 * and {@code dse} do not take them, since export trains nothing and a sweep always continues
 * from what it finished.
 */
final class CheckpointOptions {

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "Training also checkpoints inside an epoch this often, so that a killed run loses at"
                    + " most this much of an epoch; 0 checkpoints at epoch ends only (default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    /**
     * The interval between checkpoints inside an epoch.
     *
     * @throws IllegalArgumentException if it is negative
     */
    Duration checkpointInterval() {
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 or more seconds, got " + checkpointEvery);
        }
        return Duration.ofSeconds(checkpointEvery);
    }
}
