package ai.lutboost.training;

import ai.djl.Device;
import ai.djl.util.Progress;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param checkpointEvery how often training also checkpoints inside an epoch, or
 *     {@link Duration#ZERO} for epoch ends only
 */
public record TrainOptions(
        Path outputDir,
        Path dataDir,
        boolean resume,
        Device device,
        Progress progress,
        Consumer<String> log,
        Duration checkpointEvery) {

    /**
     * How often training checkpoints inside an epoch unless told: a ViT-tiny fine-tuning
     * epoch takes over 20 minutes on 2 cores, and a killed process would lose all of it.
     */
    public static final Duration DEFAULT_CHECKPOINT_EVERY = Duration.ofMinutes(10);

    /**
     * Options that checkpoint inside an epoch every {@link #DEFAULT_CHECKPOINT_EVERY}.
     *
     * @param outputDir where outputs go
     * @param dataDir an explicit dataset directory, or null
     * @param resume continue from the newest checkpoint
     * @param device the device, or null
     * @param progress a progress display, or null
     * @param log receives notes
     */
    public TrainOptions(Path outputDir, Path dataDir, boolean resume, Device device, Progress progress,
            Consumer<String> log) {
        this(outputDir, dataDir, resume, device, progress, log, DEFAULT_CHECKPOINT_EVERY);
    }

    /**
     * Checks the checkpoint interval.
     *
     * @throws IllegalArgumentException if it is negative
     */
    public TrainOptions {
        if (checkpointEvery == null || checkpointEvery.isNegative()) {
            throw new IllegalArgumentException("the checkpoint interval must be zero or more, got " + checkpointEvery);
        }
    }

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
        return new TrainOptions(outputDir, dataDir, value, device, progress, log, checkpointEvery);
    }

    /**
     * Returns these options with another interval between checkpoints inside an epoch.
     *
     * @param interval the interval, or {@link Duration#ZERO} for epoch ends only
     * @return new options
     */
    public TrainOptions withCheckpointEvery(Duration interval) {
        return new TrainOptions(outputDir, dataDir, resume, device, progress, log, interval);
    }

    /**
     * Returns these options with another progress display.
     *
     * @param display the display, or null for none
     * @return new options
     */
    public TrainOptions withProgress(Progress display) {
        return new TrainOptions(outputDir, dataDir, resume, device, display, log, checkpointEvery);
    }
}
