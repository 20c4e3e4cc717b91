package ai.lutboost.training;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a baseline training run.
 *
 * @param recipeName the recipe's name
 * @param recipeSha256 the resolved recipe's SHA-256
 * @param history one entry per epoch, including epochs done before a resume
 * @param testAccuracy accuracy on the test split
 * @param testSamples number of test samples evaluated
 * @param parameterCount trainable parameters
 * @param totalSeconds wall time of all epochs' training
 * @param checkpoint the final checkpoint
 * @param metricsFile the metrics JSON
 */
public record TrainingResult(
        String recipeName,
        String recipeSha256,
        List<EpochMetrics> history,
        double testAccuracy,
        long testSamples,
        long parameterCount,
        double totalSeconds,
        Path checkpoint,
        Path metricsFile) {

    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }
}
