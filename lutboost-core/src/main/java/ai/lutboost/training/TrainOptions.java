package ai.lutboost.training;

import ai.djl.Device;
import ai.djl.util.Progress;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How to run a training job, apart from the recipe.
 *
 * @param outputDir where checkpoints, the resolved recipe and metrics go
 * @param dataDir an explicit dataset directory, or null to locate it
 * @param resume continue from the newest checkpoint in {@code outputDir}
 * @param device the device, or null for the engine's default
 * @param progress a progress display for long loops, or null
 * @param log receives one line per epoch and other notes
 */
public record TrainOptions(
        Path outputDir,
        Path dataDir,
        boolean resume,
        Device device,
        Progress progress,
        Consumer<String> log) {

    /**
     * Options with no progress display and no log.
     *
     * @param outputDir where outputs go
     * @param dataDir an explicit dataset directory, or null
     * @return the options
     */
    public static TrainOptions quiet(Path outputDir, Path dataDir) {
        return new TrainOptions(outputDir, dataDir, false, null, null, s -> { });
    }

    /**
     * Returns these options with {@code resume} set.
     *
     * @param value whether to resume
     * @return new options
     */
    public TrainOptions withResume(boolean value) {
        return new TrainOptions(outputDir, dataDir, value, device, progress, log);
    }
}
