package ai.lutboost.recipe;

/**
 * How the conversion stages 1-4 run (DESIGN §4).
 *
 * @param kmeans stage 1
 * @param calibrate stage 2
 * @param finetune stage 3
 * @param freeze stage 4
 */
public record StagesSection(
        KMeansSettings kmeans, CalibrateSettings calibrate, FinetuneSettings finetune, FreezeSettings freeze) {

    /**
     * The defaults every recipe starts from.
     *
     * @return the defaults
     */
    public static StagesSection defaults() {
        return new StagesSection(
                new KMeansSettings(2048, 20, 256),
                new CalibrateSettings(3, 2048, 128, 2e-3),
                new FinetuneSettings(4, 128, 5e-4, 5e-3, 0, 0, 4, 0, 0),
                new FreezeSettings(1, 128, 1e-4));
    }

    /**
     * Starts a stages section in code, checked as a recipe file's {@code stages} section is.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link StagesSection}; unset settings take a recipe file's defaults. */
    public static final class Builder {
        private final SectionSettings settings = new SectionSettings("StagesSection.builder()", "stages");

        Builder() {}

        /**
         * Sets the training images whose layer inputs k-means clusters.
         *
         * @param samples 1 to 1,000,000
         * @return this builder
         */
        public Builder optKMeansSamples(int samples) {
            settings.put("kmeans.samples", samples);
            return this;
        }

        /**
         * Sets k-means' Lloyd iterations at most.
         *
         * @param iterations 0 to 10,000
         * @return this builder
         */
        public Builder optKMeansIterations(int iterations) {
            settings.put("kmeans.iterations", iterations);
            return this;
        }

        /**
         * Sets the calibrate stage's epochs per layer.
         *
         * @param epochs 0 to 10,000
         * @return this builder
         */
        public Builder optCalibrateEpochs(int epochs) {
            settings.put("calibrate.epochs", epochs);
            return this;
        }

        /**
         * Sets the training images whose layer inputs calibrate.
         *
         * @param samples 1 to 1,000,000
         * @return this builder
         */
        public Builder optCalibrateSamples(int samples) {
            settings.put("calibrate.samples", samples);
            return this;
        }

        /**
         * Sets the finetune stage's epochs.
         *
         * @param epochs 0 to 10,000
         * @return this builder
         */
        public Builder optFinetuneEpochs(int epochs) {
            settings.put("finetune.epochs", epochs);
            return this;
        }

        /**
         * Sets the finetune stage's peak learning rate.
         *
         * @param learningRate above 0, at most 10
         * @return this builder
         */
        public Builder optFinetuneLearningRate(double learningRate) {
            settings.put("finetune.learningRate", learningRate);
            return this;
        }

        /**
         * Sets the weight of distillation from the baseline while fine-tuning.
         *
         * @param weight 0 to 1,000 (0: off)
         * @return this builder
         */
        public Builder optDistillation(double weight) {
            settings.put("finetune.distillation", weight);
            return this;
        }

        /**
         * Sets the last finetune epochs trained with the soft estimator.
         *
         * @param epochs 0 to the finetune epochs
         * @return this builder
         */
        public Builder optSoftEpochs(int epochs) {
            settings.put("finetune.softEpochs", epochs);
            return this;
        }

        /**
         * Sets the epochs trained with frozen tables.
         *
         * @param epochs 0 to 10,000 (0: freeze only)
         * @return this builder
         */
        public Builder optFreezeEpochs(int epochs) {
            settings.put("freeze.epochs", epochs);
            return this;
        }

        /**
         * Sets any other setting of the section by its key in a recipe file.
         *
         * @param key e.g. {@code finetune.weightDecay}
         * @param value its value
         * @return this builder
         */
        public Builder optSetting(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Checks the settings.
         *
         * @return the section
         * @throws RecipeException naming the setting that breaks the rules
         */
        public StagesSection build() throws RecipeException {
            return settings.read(LutSectionReader::readStages);
        }
    }

    /**
     * Stage 1: centroids by k-means on calibration activations.
     *
     * @param samples training images whose layer inputs are clustered
     * @param iterations Lloyd iterations at most
     * @param pointsPerCentroid sub-vectors sampled per centroid and codebook
     */
    public record KMeansSettings(int samples, int iterations, int pointsPerCentroid) {}

    /**
     * Stage 2: centroids and temperature fitted layer by layer to the dense layer's output.
     *
     * @param epochs passes over the calibration inputs, per layer
     * @param samples training images whose layer inputs are used
     * @param batchSize images per step
     * @param learningRate Adam's learning rate
     */
    public record CalibrateSettings(int epochs, int samples, int batchSize, double learningRate) {}

    /**
     * Stage 3: end-to-end straight-through training.
     *
     * @param epochs passes over the training split
     * @param batchSize images per step
     * @param learningRate Adam's peak learning rate (cosine decay)
     * @param temperatureLearningRate the learning rate of the LUT layers' temperatures
     * @param weightDecay decoupled weight decay
     * @param distillation weight of the distillation term from the stage-0 teacher (0: off)
     * @param distillationTemperature softmax temperature of the distillation term
     * @param reconstruction weight of the layer-wise reconstruction term (0: off)
     * @param softEpochs the last epochs, in which every LUT layer trains with the soft estimator
     *     whatever its own (0: none)
     */
    public record FinetuneSettings(
            int epochs,
            int batchSize,
            double learningRate,
            double temperatureLearningRate,
            double weightDecay,
            double distillation,
            double distillationTemperature,
            double reconstruction,
            int softEpochs) {

        /**
         * Whether an epoch trains every LUT layer with the soft estimator: one of the last
         * {@code softEpochs}.
         *
         * @param epoch the epoch, from 0
         * @return true in the soft finish
         */
        public boolean trainsSoft(int epoch) {
            return epoch >= epochs - softEpochs;
        }
    }

    /**
     * Stage 4: tables quantized and frozen; centroids and the other parameters keep training.
     *
     * @param epochs passes over the training split with frozen tables (0: freeze only)
     * @param batchSize images per step
     * @param learningRate Adam's peak learning rate (cosine decay)
     */
    public record FreezeSettings(int epochs, int batchSize, double learningRate) {}
}
