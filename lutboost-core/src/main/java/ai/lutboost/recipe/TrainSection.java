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
        double stepFactor) {

    /**
     * Starts a train section in code, checked as a recipe file's {@code train} section is.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TrainSection}; unset settings take a recipe file's defaults. */
    public static final class Builder {
        private final SectionSettings settings = new SectionSettings("TrainSection.builder()", "train");

        Builder() {}

        /**
         * Sets the baseline's epochs.
         *
         * @param epochs 1 to 10,000
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            settings.put("epochs", epochs);
            return this;
        }

        /**
         * Sets the items per step.
         *
         * @param batchSize 1 to 65,536
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            settings.put("batchSize", batchSize);
            return this;
        }

        /**
         * Sets the optimizer.
         *
         * @param optimizer {@code adam}, {@code adamw} or {@code sgd}
         * @return this builder
         */
        public Builder optOptimizer(String optimizer) {
            settings.put("optimizer", optimizer);
            return this;
        }

        /**
         * Sets the peak learning rate.
         *
         * @param learningRate above 0, at most 10
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            settings.put("learningRate", learningRate);
            return this;
        }

        /**
         * Sets the weight decay.
         *
         * @param weightDecay 0 to 1
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            settings.put("weightDecay", weightDecay);
            return this;
        }

        /**
         * Sets sgd's momentum.
         *
         * @param momentum 0 to 1
         * @return this builder
         */
        public Builder optMomentum(double momentum) {
            settings.put("momentum", momentum);
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param schedule {@code constant}, {@code cosine} or {@code step}
         * @return this builder
         */
        public Builder optSchedule(String schedule) {
            settings.put("schedule", schedule);
            return this;
        }

        /**
         * Sets the epochs of linear warm-up.
         *
         * @param warmupEpochs 0 to 1,000
         * @return this builder
         */
        public Builder optWarmupEpochs(int warmupEpochs) {
            settings.put("warmupEpochs", warmupEpochs);
            return this;
        }

        /**
         * Sets cosine's final learning rate.
         *
         * @param finalLearningRate 0 to 10
         * @return this builder
         */
        public Builder optFinalLearningRate(double finalLearningRate) {
            settings.put("finalLearningRate", finalLearningRate);
            return this;
        }

        /**
         * Sets the step schedule's epochs between decays.
         *
         * @param stepEpochs 1 to 10,000
         * @return this builder
         */
        public Builder optStepEpochs(int stepEpochs) {
            settings.put("stepEpochs", stepEpochs);
            return this;
        }

        /**
         * Sets the step schedule's decay factor.
         *
         * @param stepFactor above 0, at most 1
         * @return this builder
         */
        public Builder optStepFactor(double stepFactor) {
            settings.put("stepFactor", stepFactor);
            return this;
        }

        /**
         * Checks the settings.
         *
         * @return the section
         * @throws RecipeException naming the setting that breaks the rules
         */
        public TrainSection build() throws RecipeException {
            return settings.read(RecipeLoader::readTrain);
        }
    }
}
