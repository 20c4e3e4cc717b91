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
import ai.lutboost.training.CheckpointException;
import ai.lutboost.training.EpochMetrics;
import ai.lutboost.training.LearningRateSchedule;
import ai.lutboost.training.ResumableOptimizer;
import ai.lutboost.training.TrainingCheckpoint;
import ai.lutboost.training.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        List<EpochMetrics> history = new ArrayList<>();
        SeededRandomSampler order = new SeededRandomSampler(ctx.recipe().seed() + name().hashCode());
        ImageClassificationDataset train = ctx.training(s.batchSize(), order);
        int steps = (int) ((train.size() + s.batchSize() - 1) / s.batchSize());
        LearningRateSchedule schedule = new LearningRateSchedule(
                (float) s.learningRate(), "cosine", 0, Math.max(1, s.epochs() * steps), 0f, 1, 1f);
        ResumableOptimizer optimizer = new ResumableOptimizer(
                ResumableOptimizer.Kind.ADAMW, schedule, (float) s.weightDecay(), 0f, rateScale(ctx));
        int first = 0;
        TrainingLoop.PartialEpoch partial = null;
        Optional<TrainingCheckpoint.Loaded> resumed = latest(ctx, prefix);
        if (resumed.isPresent()) {
            TrainingCheckpoint.Loaded ckpt = resumed.get();
            ctx.model().load(ckpt);
            try {
                optimizer.loadState(ckpt.optimizer(), block.getParameters());
            } catch (IOException e) {
                throw new CheckpointException(ckpt.file() + ": optimizer state is malformed: " + e.getMessage(), e);
            }
            history.addAll(ckpt.state().history());
            first = ckpt.state().epochsDone();
            partial = ckpt.state().partial();
            ctx.log("resuming stage " + name() + " " + ckpt.state().position() + " from " + ckpt.file());
        }
        Device device = ctx.model().model().getNDManager().getDevice();
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device});
        TrainingLoop.BatchLoss loss = loss(ctx);
        try (LayerScope<LutMode> st = LayerScope.mode(ctx.model().layers().values(), LutMode.STRAIGHT_THROUGH);
                Trainer trainer = ctx.model().model().newTrainer(config)) {
            for (int epoch = first; epoch < s.epochs(); epoch++) {
                order.setEpoch(epoch);
                int epochsDone = epoch;
                TrainingLoop.PartialCheckpoint inside = at -> save(ctx,
                        TrainingCheckpoint.insideEpoch(prefix, epochsDone + 1, at.steps()),
                        new TrainingCheckpoint.State(ctx.recipe().sha256(), epochsDone, false, List.copyOf(history),
                                at), optimizer, prefix);
                EpochMetrics m;
                try (LayerScope<Estimator> e = LayerScope.estimator(ctx.model().layers().values(), estimator(ctx, epoch))) {
                    m = TrainingLoop.runEpoch(name(), trainer, train, epoch, s.epochs(), steps, schedule, loss,
                            ctx.options(), epoch == first ? partial : null, inside);
                }
                double val = ctx.accuracy(Split.VALIDATION);
                m = new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), val, m.learningRate(),
                        m.seconds(), m.samplesPerSecond());
                history.add(m);
                ctx.log(String.format(Locale.ROOT,
                        "%s epoch %d/%d  loss %.4f  train acc %.4f  val acc %.4f  %.1f s  %.0f samples/s%s",
                        name(), m.epoch(), s.epochs(), m.trainLoss(), m.trainAccuracy(), val, m.seconds(),
                        m.samplesPerSecond(), reseeded(ctx)));
                save(ctx, prefix + String.format(Locale.ROOT, "%04d", epoch + 1),
                        new TrainingCheckpoint.State(ctx.recipe().sha256(), epoch + 1, false, history),
                        optimizer, prefix);
            }
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

    private Optional<TrainingCheckpoint.Loaded> latest(StageContext ctx, String prefix) throws LutBoostException {
        if (!ctx.options().resume()) {
            return Optional.empty();
        }
        try {
            Optional<Path> file = TrainingCheckpoint.latest(ctx.checkpoints(), prefix);
            if (file.isEmpty()) {
                return Optional.empty();
            }
            TrainingCheckpoint.Loaded ckpt = TrainingCheckpoint.read(file.get());
            if (!ckpt.state().recipeSha256().equals(ctx.recipe().sha256())) {
                throw new CheckpointException(file.get() + " was written by a different recipe (SHA-256 "
                        + ckpt.state().recipeSha256() + ", now " + ctx.recipe().sha256()
                        + "); resume with the same recipe and --set options, or choose another --output");
            }
            return Optional.of(ckpt);
        } catch (IOException e) {
            throw new LutBoostException("cannot list checkpoints in " + ctx.checkpoints() + ": " + e.getMessage(), e);
        }
    }

    private static void save(StageContext ctx, String name, TrainingCheckpoint.State state,
            ResumableOptimizer optimizer, String prefix) throws LutBoostException {
        Block block = ctx.model().block();
        try {
            TrainingCheckpoint.write(ctx.checkpoints(), name, state, block, optimizer.saveState(block.getParameters()));
            TrainingCheckpoint.prune(ctx.checkpoints(), prefix);
        } catch (IOException e) {
            throw new LutBoostException("cannot write checkpoint " + name + " in " + ctx.checkpoints() + ": "
                    + e.getMessage(), e);
        }
    }
}
