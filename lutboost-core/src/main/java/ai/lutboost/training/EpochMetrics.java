package ai.lutboost.training;

/**
 * What one epoch of training measured.
 *
 * @param epoch the epoch, from 1
 * @param trainLoss mean training loss
 * @param trainAccuracy training accuracy over the epoch (model changing as it goes)
 * @param validationAccuracy accuracy on the validation split after the epoch (NaN if none)
 * @param learningRate the learning rate at the end of the epoch
 * @param seconds wall time of the epoch's training steps
 * @param samplesPerSecond training throughput
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double validationAccuracy,
        double learningRate,
        double seconds,
        double samplesPerSecond) {}
