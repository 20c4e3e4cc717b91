package ai.lutboost.stage;

import ai.djl.Device;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.SeededRandomSampler;
import ai.lutboost.datasets.Split;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.LutMode;
import ai.lutboost.training.EpochMetrics;
import ai.lutboost.training.LearningRateSchedule;
import ai.lutboost.training.ResumableOptimizer;
import ai.lutboost.training.TrainingCheckpoint;
import ai.lutboost.training.TrainingDriver;
import ai.lutboost.training.TrainingLoop;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stage that trains the whole converted model end to end, straight-through, with an atomic
 * checkpoint after every epoch: a run killed inside it resumes from the last finished epoch with
 * the same parameters, optimizer state and data order.
 */
abstract class AbstractTrainingStage implements Stage {

    /** How the stage trains. */
    record Settings(int epochs, int batchSize, double learningRate, double weightDecay) {}

    /**
     * Returns the stage's training settings.
     *
     * @param ctx the context
     * @return the settings
     */
    abstract Settings settings(StageContext ctx);

    /**
     * Prepares the model before training; runs on resume too, before the epoch checkpoint loads.
     *
     * @param ctx the context
     * @throws LutBoostException if the model cannot be prepared
     */
    abstract void prepare(StageContext ctx) throws LutBoostException;

    /**
     * Returns the loss of a batch.
     *
     * @param ctx the context
     * @return the loss, or null for cross-entropy
     * @throws LutBoostException if a teacher cannot be loaded
     */
    abstract TrainingLoop.BatchLoss loss(StageContext ctx) throws LutBoostException;

    /**
     * Returns learning-rate factors by parameter id.
     *
     * @param ctx the context
     * @return the factors
     */
    Map<String, Float> rateScale(StageContext ctx) {
        return Map.of();
    }

    /**
     * Returns the estimator every LUT layer trains an epoch with.
     *
     * @param ctx the context
     * @param epoch the epoch, from 0
     * @return the estimator, or null for each layer's own
     */
    Estimator estimator(StageContext ctx, int epoch) {
        return null;
    }

    /**
     * Runs once the last epoch is done, before the stage's result is taken.
     *
     * @param ctx the context
     * @throws LutBoostException if the work fails
     */
    void afterTraining(StageContext ctx) throws LutBoostException {}

    /**
     * Releases what {@link #loss} holds.
     *
     * @param ctx the context
     */
    void finish(StageContext ctx) {}

    /**
     * Returns whether reconstruction errors after this stage are meaningful (false once tables
     * are frozen and no longer follow the dense weights).
     *
     * @return whether to measure them
     */
    boolean measuresReconstruction() {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public StageResult run(StageContext ctx) throws LutBoostException {
        long start = System.nanoTime();
        Settings s = settings(ctx);
        prepare(ctx);
        Block block = ctx.model().block();
        String prefix = name() + "-epoch-";
        SeededRandomSampler order = new SeededRandomSampler(ctx.recipe().seed() + name().hashCode());
        ImageClassificationDataset train = ctx.training(s.batchSize(), order);
        int steps = (int) ((train.size() + s.batchSize() - 1) / s.batchSize());
        LearningRateSchedule schedule = new LearningRateSchedule(
                (float) s.learningRate(), "cosine", 0, Math.max(1, s.epochs() * steps), 0f, 1, 1f);
        ResumableOptimizer optimizer = new ResumableOptimizer(
                ResumableOptimizer.Kind.ADAMW, schedule, (float) s.weightDecay(), 0f, rateScale(ctx));
        TrainingDriver.Checkpoints checkpoints = new TrainingDriver.Checkpoints(ctx.checkpoints(), prefix,
                ctx.recipe().sha256(), block, optimizer);
        TrainingCheckpoint.State state = null;
        Optional<TrainingCheckpoint.Loaded> resumed = ctx.options().resume()
                ? TrainingCheckpoint.resumable(ctx.checkpoints(), prefix, ctx.recipe().sha256())
                : Optional.empty();
        if (resumed.isPresent()) {
            ctx.model().load(resumed.get());
            state = checkpoints.resume(resumed.get());
            ctx.log("resuming stage " + name() + " " + state.position() + " from " + resumed.get().file());
        }
        Device device = ctx.model().model().getNDManager().getDevice();
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device});
        TrainingDriver.Epochs epochs = new TrainingDriver.Epochs(name(), s.epochs(), steps, order,
                TrainingLoop.Batches.of(train), schedule, loss(ctx));
        List<EpochMetrics> history;
        try (LayerScope<LutMode> st = LayerScope.mode(ctx.model().layers().values(), LutMode.STRAIGHT_THROUGH);
                Trainer trainer = ctx.model().model().newTrainer(config)) {
            history = TrainingDriver.run(epochs, trainer, checkpoints, state, ctx.options(),
                    new TrainingDriver.Listener() {
                        @Override
                        public TrainingDriver.EpochScope beforeEpoch(int epoch) {
                            LayerScope<Estimator> e = LayerScope.estimator(ctx.model().layers().values(),
                                    estimator(ctx, epoch));
                            return e::close;
                        }

                        @Override
                        public double validate() throws LutBoostException {
                            return ctx.accuracy(Split.VALIDATION);
                        }

                        @Override
                        public String note() {
                            return reseeded(ctx);
                        }
                    });
        } finally {
            finish(ctx);
        }
        afterTraining(ctx);
        Map<String, Double> errors = measuresReconstruction()
                ? ctx.reconstructionErrors(ctx.recipe().stages().calibrate().samples())
                : Map.of();
        // The last epoch already measured the validation split on the model as it ends.
        Double validation = s.epochs() > 0 && history.size() == s.epochs()
                ? history.get(history.size() - 1).validationAccuracy()
                : null;
        return ctx.result(name(), start, validation, errors, history);
    }

    /** The hard estimator's re-seeded centroids in the epoch, by layer, for the epoch's line. */
    private static String reseeded(StageContext ctx) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, AbstractLutBlock> e : ctx.model().layers().entrySet()) {
            int n = e.getValue().takeReseeded();
            if (n > 0) {
                line.append(line.length() == 0 ? "  re-seeded centroids:" : ",").append(' ').append(e.getKey())
                        .append(' ').append(n);
            }
        }
        return line.toString();
    }
}
