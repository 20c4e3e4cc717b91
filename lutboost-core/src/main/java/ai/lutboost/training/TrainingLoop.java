package ai.lutboost.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One epoch of training with a DJL {@link Trainer}: forward, loss, backward, update, with a
 * divergence check, progress, stop requests and checkpoints inside the epoch. It is the only loop
 * over training batches: stage 0, the calibrate stage (one layer against its dense output) and the
 * end-to-end stages differ only in their batches and their loss.
 */
public final class TrainingLoop {

    /** The loss of one batch. */
    @FunctionalInterface
    public interface BatchLoss {
        /**
         * Computes the loss to minimize and the value to report.
         *
         * @param data the batch's inputs
         * @param labels the batch's labels, empty when the stage has none
         * @param predictions the model's output on {@code data}
         * @return the objective
         */
        Objective evaluate(NDList data, NDList labels, NDList predictions);
    }

    /**
     * What a batch's loss gives the loop.
     *
     * @param minimized the scalar the backward pass starts from
     * @param reported the scalar the epoch reports, when the objective carries terms (an
     *     estimator's codebook and commitment terms) that say nothing about progress
     */
    public record Objective(NDArray minimized, NDArray reported) {

        /**
         * An objective that reports what it minimizes.
         *
         * @param loss the loss
         * @return the objective
         */
        public static Objective of(NDArray loss) {
            return new Objective(loss, loss);
        }
    }

    /** Opens an epoch's batches, in the epoch's order. */
    @FunctionalInterface
    public interface Batches {
        /**
         * Opens the batches.
         *
         * @param trainer the trainer that will consume them
         * @return the batches; each is closed after its step
         * @throws IOException if the data cannot be read
         * @throws TranslateException if a batch cannot be formed
         */
        Iterable<Batch> open(Trainer trainer) throws IOException, TranslateException;

        /**
         * A dataset's batches, in the order its sampler gives.
         *
         * @param data the dataset
         * @return the batches
         */
        static Batches of(RandomAccessDataset data) {
            return trainer -> trainer.iterateDataset(data);
        }
    }

    /**
     * How far an epoch has come: enough to continue it where it was and report the same metrics.
     *
     * @param steps optimizer steps done
     * @param lossSum the loss summed over the samples seen
     * @param correct samples classified correctly while training
     * @param seen samples seen
     * @param seconds time spent in the epoch so far
     */
    public record PartialEpoch(int steps, double lossSum, long correct, long seen, double seconds) {}

    /** Writes a checkpoint of an epoch in progress. */
    @FunctionalInterface
    public interface PartialCheckpoint {
        /**
         * Writes the checkpoint.
         *
         * @param done the epoch so far
         * @throws LutBoostException if it cannot be written
         */
        void write(PartialEpoch done) throws LutBoostException;
    }

    private TrainingLoop() {}

    /**
     * Says which trainable parameters have a gradient holding a NaN or an infinity, or returns
     * an empty string. A finite loss can still have such a gradient, and one optimizer step would
     * then spread it into every later loss; checking before the step keeps the parameters finite
     * and names where it began.
     */
    private static String nonFiniteGradients(Trainer trainer) {
        List<String> names = new ArrayList<>();
        List<NDArray> maxima = new ArrayList<>();
        float[] max;
        /*
         * A scratch manager, closed after the check, holds the gradient handles and everything
         * computed from them: on the parameters' manager they were never freed, and the residual
         * CNN's baseline grew by megabytes a step until the kernel killed it.
         */
        try (NDManager scratch = trainer.getManager().newSubManager()) {
            for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
                if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.attach(scratch);
                    names.add(p.getKey());
                    maxima.add(g.abs().max().toType(DataType.FLOAT32, false).reshape(1));
                }
            }
            if (maxima.isEmpty()) {
                return "";
            }
            max = NDArrays.concat(new NDList(maxima)).toFloatArray();
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < max.length; i++) {
            if (!Float.isFinite(max[i])) {
                bad.add(names.get(i));
            }
        }
        return bad.isEmpty() ? "" : "the gradients of " + String.join(", ", bad) + " are not finite";
    }

    /**
     * Runs one epoch.
     *
     * @param stage the stage's name, for progress and for the divergence message
     * @param trainer the trainer, whose loss is used when {@code loss} is null
     * @param data the training data, with the epoch's sampling already set
     * @param epoch the epoch, from 0
     * @param epochs the stage's epochs
     * @param stepsPerEpoch optimizer steps per epoch, for progress
     * @param learningRate the schedule, for the reported rate and the advice on divergence
     * @param loss the loss, or null for the trainer's
     * @param options progress and log
     * @return the epoch's metrics; validation accuracy is NaN
     * @throws LutBoostException if the data cannot be read
     * @throws TrainingDivergedException if the loss stops being finite
     */
    public static EpochMetrics runEpoch(
            String stage, Trainer trainer, RandomAccessDataset data, int epoch, int epochs,
            int stepsPerEpoch, Tracker learningRate, BatchLoss loss, TrainOptions options)
            throws LutBoostException {
        return runEpoch(stage, trainer, Batches.of(data), epoch, epochs, stepsPerEpoch, learningRate, loss, options, null,
                null);
    }

    /**
     * Runs one epoch, or the rest of one, checkpointing it every {@link TrainOptions#checkpointEvery}
     * and when a stop is requested (Ctrl-C, SIGTERM), so that a stopped run loses nothing and a
     * killed one at most that interval.
     *
     * @param stage the stage's name, for progress and for the divergence message
     * @param trainer the trainer, whose loss is used when {@code loss} is null
     * @param batches the training batches, in the epoch's order
     * @param epoch the epoch, from 0
     * @param epochs the stage's epochs
     * @param stepsPerEpoch optimizer steps per epoch, for progress
     * @param learningRate the schedule, for the reported rate and the advice on divergence
     * @param loss the loss, or null for the trainer's
     * @param options progress and log
     * @param from where a checkpoint left this epoch: its first {@code steps} batches are skipped
     *     (the sampling is the same) and its sums carried on; null to start the epoch
     * @param checkpoint writes a checkpoint of the epoch so far, never after its last step (the
     *     epoch's own checkpoint follows it); null for none
     * @return the epoch's metrics; validation accuracy is NaN, and so is training accuracy when the
     *     batches have no labels
     * @throws LutBoostException if the data cannot be read, or the listener fails
     * @throws TrainingDivergedException if the loss stops being finite
     */
    public static EpochMetrics runEpoch(
            String stage, Trainer trainer, Batches batches, int epoch, int epochs,
            int stepsPerEpoch, Tracker learningRate, BatchLoss loss, TrainOptions options,
            PartialEpoch from, PartialCheckpoint checkpoint) throws LutBoostException {
        double lossSum = from == null ? 0 : from.lossSum();
        long correct = from == null ? 0 : from.correct();
        long seen = from == null ? 0 : from.seen();
        int step = from == null ? 0 : from.steps();
        double earlierSeconds = from == null ? 0 : from.seconds();
        int skip = step;
        boolean labelled = true;
        long every = options.checkpointEvery().toNanos();
        long startNanos = System.nanoTime();
        long lastCheckpoint = startNanos;
        String label = String.format(Locale.ROOT, "%s %d/%d", stage, epoch + 1, epochs);
        if (options.progress() != null) {
            options.progress().reset(label, stepsPerEpoch);
            options.progress().start(step);
        }
        try (ShutdownGate.Region region = ShutdownGate.enter(label)) {
            for (Batch batch : batches.open(trainer)) {
                if (skip > 0) {
                    // Done before the checkpoint this epoch resumed from.
                    batch.close();
                    skip--;
                    continue;
                }
                try (batch) {
                    NDList labels = batch.getLabels();
                    float value;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList preds = trainer.forward(batch.getData(), labels);
                        Objective objective = loss == null
                                ? Objective.of(trainer.getLoss().evaluate(labels, preds))
                                : loss.evaluate(batch.getData(), labels, preds);
                        gc.backward(objective.minimized());
                        value = objective.reported().getFloat();
                        labelled = !labels.isEmpty();
                        if (labelled) {
                            NDArray predicted = preds.head().argMax(1).toType(DataType.INT64, false);
                            correct += predicted.eq(labels.head().toType(DataType.INT64, false)).sum().getLong();
                        }
                    }
                    String problem = Float.isFinite(value) ? nonFiniteGradients(trainer) : "loss is " + value;
                    if (!problem.isEmpty()) {
                        throw new TrainingDivergedException(String.format(Locale.ROOT,
                                "training diverged in stage %s, epoch %d, step %d: %s; lower the"
                                        + " stage's learning rate (now %g) or add warm-up; the last good"
                                        + " checkpoint is kept",
                                stage, epoch + 1, step + 1, problem, learningRate.getNewValue(step)));
                    }
                    trainer.step();
                    long n = batch.getData().head().getShape().get(0);
                    lossSum += value * n;
                    seen += n;
                    step++;
                    double secs = earlierSeconds + (System.nanoTime() - startNanos) / 1e9;
                    if (options.progress() != null) {
                        String accuracy = labelled
                                ? String.format(Locale.ROOT, "  acc %.3f", (double) correct / seen)
                                : "";
                        options.progress().update(step, String.format(Locale.ROOT, "loss %.4f%s  %.0f samples/s",
                                lossSum / seen, accuracy, seen / secs));
                    }
                    if (checkpoint != null && every > 0 && step < stepsPerEpoch
                            && (System.nanoTime() - lastCheckpoint >= every || region.stopRequested())) {
                        checkpoint.write(new PartialEpoch(step, lossSum, correct, seen, secs));
                        lastCheckpoint = System.nanoTime();
                    }
                }
                region.safePoint("step", step, stepsPerEpoch);
            }
        } catch (IOException | TranslateException e) {
            throw new LutBoostException("cannot read training data: " + e.getMessage(), e);
        } finally {
            if (options.progress() != null) {
                options.progress().end();
            }
        }
        double seconds = earlierSeconds + (System.nanoTime() - startNanos) / 1e9;
        float lr = learningRate.getNewValue((epoch + 1) * stepsPerEpoch - 1);
        double accuracy = labelled ? (double) correct / seen : Double.NaN;
        return new EpochMetrics(epoch + 1, lossSum / seen, accuracy, Double.NaN, lr, seconds, seen / seconds);
    }
}
