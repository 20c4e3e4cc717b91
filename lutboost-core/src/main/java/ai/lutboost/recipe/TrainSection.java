package ai.lutboost.recipe;

/**
 * How a recipe trains its baseline.
 *
 * @param epochs passes over the training split
 * @param batchSize items per step
 * @param optimizer {@code adam}, {@code adamw} or {@code sgd}
 * @param learningRate the peak learning rate
 * @param weightDecay L2 (adam, sgd) or decoupled (adamw) weight decay
 * @param momentum sgd momentum
 * @param schedule {@code constant}, {@code cosine} or {@code step}
 * @param warmupEpochs epochs of linear warm-up before the schedule
 * @param finalLearningRate cosine: the learning rate at the end
 * @param stepEpochs step: epochs between decays
 * @param stepFactor step: the decay factor
 */
public record TrainSection(
        int epochs,
        int batchSize,
        String optimizer,
        double learningRate,
        double weightDecay,
        double momentum,
        String schedule,
        int warmupEpochs,
        double finalLearningRate,
        int stepEpochs,
        double stepFactor) {}
