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
            int softEpochs) {}

    /**
     * Stage 4: tables quantized and frozen; centroids and the other parameters keep training.
     *
     * @param epochs passes over the training split with frozen tables (0: freeze only)
     * @param batchSize images per step
     * @param learningRate Adam's peak learning rate (cosine decay)
     */
    public record FreezeSettings(int epochs, int batchSize, double learningRate) {}
}
