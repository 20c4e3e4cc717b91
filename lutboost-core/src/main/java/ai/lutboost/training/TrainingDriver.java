package ai.lutboost.training;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.SeededRandomSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a training's epochs: the one driver of stage 0 and the end-to-end conversion stages. Each
 * epoch goes through {@link TrainingLoop} (progress, divergence, stop requests, checkpoints inside
 * the epoch), then the listener validates it, and an atomic checkpoint closes it, so a run killed
 * anywhere resumes with the same parameters, optimizer state and data order.
 */
public final class TrainingDriver {

    /** What a training adds around its epochs. */
    public interface Listener {
        /**
         * Runs before an epoch; what it returns is closed after the epoch's steps.
         *
         * @param epoch the epoch, from 0
         * @return a scope for the epoch, such as the estimator it trains with
         * @throws LutBoostException if the epoch cannot be prepared
         */
        default EpochScope beforeEpoch(int epoch) throws LutBoostException {
            return () -> { };
        }

        /**
         * Measures the model after an epoch.
         *
         * @return validation accuracy, NaN when there is no validation split
         * @throws LutBoostException if the data cannot be read
         */
        double validate() throws LutBoostException;

        /**
         * Returns what the epoch's log line ends with, such as the centroids the epoch re-seeded.
         *
         * @return the text, empty for nothing
         */
        default String note() {
            return "";
        }
    }

    /** A scope around one epoch's steps. */
    @FunctionalInterface
    public interface EpochScope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Where checkpoints go and what they hold.
     *
     * @param dir the checkpoint directory
     * @param prefix the per-epoch name prefix, e.g. {@code finetune-epoch-}
     * @param recipeSha256 the recipe they belong to
     * @param block the model
     * @param optimizer the optimizer whose state they keep
     */
    public record Checkpoints(Path dir, String prefix, String recipeSha256, Block block, ResumableOptimizer optimizer) {

        /**
         * Loads a checkpoint's optimizer state, its parameters being loaded already.
         *
         * @param ckpt the checkpoint
         * @return its training state, for {@link TrainingDriver#run}
         * @throws CheckpointException if the optimizer state is malformed
         */
        public TrainingCheckpoint.State resume(TrainingCheckpoint.Loaded ckpt) throws CheckpointException {
            try {
                optimizer.loadState(ckpt.optimizer(), block.getParameters());
            } catch (IOException e) {
                throw new CheckpointException(ckpt.file() + ": optimizer state is malformed: " + e.getMessage(), e);
            }
            return ckpt.state();
        }

        /**
         * Writes one and prunes the older ones of the same prefix.
         *
         * @param name the checkpoint's name
         * @param state its state
         * @return the file
         * @throws LutBoostException if it cannot be written
         */
        public Path write(String name, TrainingCheckpoint.State state) throws LutBoostException {
            try {
                Path file = TrainingCheckpoint.write(dir, name, state, block, optimizer.saveState(block.getParameters()));
                TrainingCheckpoint.prune(dir, prefix);
                return file;
            } catch (IOException e) {
                throw new LutBoostException("cannot write checkpoint " + name + " in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A training's epochs.
     *
     * @param stage the stage's name, for progress, logs and messages
     * @param count the epochs to train
     * @param stepsPerEpoch optimizer steps per epoch
     * @param order the sampler whose epoch sets the data order
     * @param batches the training batches
     * @param learningRate the schedule
     * @param loss the loss, or null for the trainer's
     */
    public record Epochs(String stage, int count, int stepsPerEpoch, SeededRandomSampler order,
            TrainingLoop.Batches batches, Tracker learningRate, TrainingLoop.BatchLoss loss) {}

    private TrainingDriver() {}

    /**
     * Trains the epochs not done yet.
     *
     * @param epochs the epochs
     * @param trainer the trainer, with the resumed parameters and optimizer state already loaded
     * @param checkpoints where each epoch's checkpoint goes
     * @param resumed the state of the checkpoint the run resumes from, or null to start
     * @param options progress and log
     * @param listener validation and what else the training adds
     * @return every epoch's metrics, the resumed ones first
     * @throws LutBoostException if data, checkpoint or listener fail
     * @throws TrainingDivergedException if the loss stops being finite
     */
    public static List<EpochMetrics> run(Epochs epochs, Trainer trainer, Checkpoints checkpoints,
            TrainingCheckpoint.State resumed, TrainOptions options, Listener listener) throws LutBoostException {
        List<EpochMetrics> history = new ArrayList<>();
        int first = 0;
        TrainingLoop.PartialEpoch partial = null;
        if (resumed != null) {
            history.addAll(resumed.history());
            first = resumed.epochsDone();
            partial = resumed.partial();
        }
        String prefix = checkpoints.prefix();
        for (int epoch = first; epoch < epochs.count(); epoch++) {
            epochs.order().setEpoch(epoch);
            int epochsDone = epoch;
            TrainingLoop.PartialCheckpoint inside = at -> checkpoints.write(
                    TrainingCheckpoint.insideEpoch(prefix, epochsDone + 1, at.steps()),
                    new TrainingCheckpoint.State(checkpoints.recipeSha256(), epochsDone, false, List.copyOf(history),
                            at));
            EpochMetrics m;
            try (EpochScope scope = listener.beforeEpoch(epoch)) {
                m = TrainingLoop.runEpoch(epochs.stage(), trainer, epochs.batches(), epoch, epochs.count(),
                        epochs.stepsPerEpoch(), epochs.learningRate(), epochs.loss(), options,
                        epoch == first ? partial : null, inside);
            }
            double validation = listener.validate();
            m = new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), validation, m.learningRate(),
                    m.seconds(), m.samplesPerSecond());
            history.add(m);
            options.log().accept(String.format(Locale.ROOT,
                    "%s epoch %d/%d  loss %.4f  train acc %.4f  val acc %.4f  %.1f s  %.0f samples/s%s",
                    epochs.stage(), m.epoch(), epochs.count(), m.trainLoss(), m.trainAccuracy(), validation,
                    m.seconds(), m.samplesPerSecond(), listener.note()));
            checkpoints.write(prefix + String.format(Locale.ROOT, "%04d", epoch + 1),
                    new TrainingCheckpoint.State(checkpoints.recipeSha256(), epoch + 1, false, history));
        }
        return history;
    }
}
