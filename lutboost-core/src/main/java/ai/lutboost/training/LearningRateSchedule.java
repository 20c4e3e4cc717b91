package ai.lutboost.training;

import ai.djl.training.tracker.Tracker;
import ai.lutboost.recipe.TrainSection;

/**
 * The learning rate as a function of the optimizer step (from 0): linear warm-up, then constant,
 * cosine decay to a final value, or step decay.
 *
 * @param peak the rate after warm-up
 * @param kind {@code constant}, {@code cosine} or {@code step}
 * @param warmupSteps steps of linear warm-up from {@code peak / warmupSteps}
 * @param totalSteps all steps of the run
 * @param finalRate cosine: the rate at the last step
 * @param stepEvery step: steps between decays
 * @param stepFactor step: the decay factor
 */
public record LearningRateSchedule(
        float peak,
        String kind,
        int warmupSteps,
        int totalSteps,
        float finalRate,
        int stepEvery,
        float stepFactor)
        implements Tracker {

    /**
     * Builds the schedule a recipe asks for.
     *
     * @param train the recipe's training section
     * @param stepsPerEpoch optimizer steps per epoch
     * @return the schedule
     */
    public static LearningRateSchedule of(TrainSection train, int stepsPerEpoch) {
        return new LearningRateSchedule(
                (float) train.learningRate(),
                train.schedule(),
                train.warmupEpochs() * stepsPerEpoch,
                train.epochs() * stepsPerEpoch,
                (float) train.finalLearningRate(),
                train.stepEpochs() * stepsPerEpoch,
                (float) train.stepFactor());
    }

    /** {@inheritDoc} */
    @Override
    public float getNewValue(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int t = step - warmupSteps;
        int span = Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case "cosine" -> {
                double progress = Math.min(1.0, (double) t / span);
                yield (float) (finalRate + (peak - finalRate) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            }
            case "step" -> (float) (peak * Math.pow(stepFactor, t / stepEvery));
            default -> peak;
        };
    }
}
