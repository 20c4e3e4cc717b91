package ai.lutboost.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

    private static final String WEIGHT = "01Linear_weight";

    /**
     * A 4-to-3 linear classifier with a ReLU on its logits, trained by SGD at 0.1.
     *
     * <p>The ReLU is there for DJL's first-step check, which fails when all gradients sum to
     * exactly zero: for a plain linear layer under softmax cross-entropy they sum to zero in exact
     * arithmetic (per sample, the logits' gradients sum to 1 - 1), and whether rounding leaves
     * exactly 0 then varied with unrelated changes to the allocations around the step.
     */
    private static Trainer trainer(Model model) {
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(3).build()).add(Activation::relu));
        ResumableOptimizer sgd = new ResumableOptimizer(ResumableOptimizer.Kind.SGD, Tracker.fixed(0.1f), 0f, 0f);
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd));
        trainer.initialize(new Shape(1, 4));
        return trainer;
    }

    /** Eight random samples in batches of 4. */
    private static ArrayDataset data(NDManager m) {
        return new ArrayDataset.Builder()
                .setData(m.randomNormal(new Shape(8, 4)))
                .optLabels(m.create(new float[] {0, 1, 2, 0, 1, 2, 0, 1}))
                .setSampling(4, false)
                .build();
    }

    /** A trainer with its data, closed together. */
    private record Fixture(NDManager manager, Model model, Trainer trainer, ArrayDataset data, TrainOptions options)
            implements AutoCloseable {
        static Fixture create() {
            NDManager manager = NDManager.newBaseManager();
            Model model = Model.newInstance("t");
            return new Fixture(manager, model, TrainingLoopTest.trainer(model), TrainingLoopTest.data(manager),
                    TrainOptions.quiet(Path.of("unused"), null));
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
            manager.close();
        }
    }

    @Test
    void aNonFiniteLossStopsNamingStageEpochAndStep() throws Exception {
        try (Fixture f = Fixture.create()) {
            EpochMetrics fine = TrainingLoop.runEpoch("finetune", f.trainer(), f.data(), 0, 3, 2, Tracker.fixed(0.1f), null, f.options());
            assertTrue(Double.isFinite(fine.trainLoss()) && fine.trainLoss() > 0, "loss " + fine.trainLoss());
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> TrainingLoop.runEpoch("finetune", f.trainer(), f.data(), 2, 3, 2, Tracker.fixed(0.1f),
                            (x, labels, preds) -> TrainingLoop.Objective.of(preds.head().sum().mul(Float.NaN)), f.options()));
            assertTrue(e.getMessage().startsWith("training diverged in stage finetune, epoch 3, step 1: loss is NaN;"
                    + " lower the stage's learning rate (now 0.100000)"), e.getMessage());
        }
    }

    @Test
    void aFiniteLossWithANonFiniteGradientStopsBeforeTheStepNamingTheParameters() throws Exception {
        try (Fixture f = Fixture.create()) {
            float[] before = f.model().getBlock().getParameters().get(WEIGHT).getArray().toFloatArray();
            // sqrt at 0: the loss is 0, its derivative infinite, and times the zero inner
            // derivative NaN, in every weight and bias that a positive logit reaches.
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> TrainingLoop.runEpoch("calibrate", f.trainer(), f.data(), 0, 2, 2, Tracker.fixed(0.1f),
                            (x, labels, preds) -> TrainingLoop.Objective.of(preds.head().sub(preds.head()).sqrt().sum()), f.options()));
            assertEquals("training diverged in stage calibrate, epoch 1, step 1: the gradients of 01Linear_weight,"
                    + " 01Linear_bias are not finite; lower the stage's learning rate (now 0.100000)", e.getMessage().substring(0,
                    e.getMessage().indexOf(')') + 1));
            assertArrayEquals(before, f.model().getBlock().getParameters().get(WEIGHT).getArray().toFloatArray(),
                    "no step was taken");
        }
    }

    @Test
    void epochsLeaveNoArraysOnTheParametersManager() throws Exception {
        try (Fixture f = Fixture.create()) {
            NDManager parameters = f.model().getBlock().getParameters().get(WEIGHT).getArray().getManager();
            TrainingLoop.runEpoch("baseline", f.trainer(), f.data(), 0, 4, 2, Tracker.fixed(0.1f), null, f.options());
            int afterOne = parameters.getManagedArrays().size();
            for (int epoch = 1; epoch < 4; epoch++) {
                TrainingLoop.runEpoch("baseline", f.trainer(), f.data(), epoch, 4, 2, Tracker.fixed(0.1f), null, f.options());
            }
            assertEquals(afterOne, parameters.getManagedArrays().size(), "arrays held after 1 and after 4 epochs");
        }
    }

    @Test
    void unlabelledBatchesReportTheirOwnValueAndNoAccuracy() throws Exception {
        try (Fixture f = Fixture.create()) {
            float[] before = f.model().getBlock().getParameters().get(WEIGHT).getArray().toFloatArray();
            NDArray inputs = f.manager().randomNormal(new Shape(8, 4));
            TrainingLoop.Batches unlabelled = t -> List.of(0, 4).stream().map(from -> {
                NDManager step = f.manager().newSubManager();
                return new Batch(step, new NDList(inputs.get(from + ":" + (from + 4))), new NDList(), 4, null, null,
                        0, 0);
            }).toList();
            // Minimizes the squared logits, reports a constant: the epoch's loss is the reported value.
            EpochMetrics m = TrainingLoop.runEpoch("calibrate fc", f.trainer(), unlabelled, 0, 1, 2, Tracker.fixed(0.1f),
                    (x, labels, preds) -> new TrainingLoop.Objective(preds.head().square().sum(),
                            x.head().getManager().create(0.25f)), f.options(), null, null);
            assertEquals(0.25, m.trainLoss(), 1e-9);
            assertTrue(Double.isNaN(m.trainAccuracy()), "no labels, no accuracy: " + m.trainAccuracy());
            assertEquals(8 / m.seconds(), m.samplesPerSecond(), 1e-6 * m.samplesPerSecond());
            float[] after = f.model().getBlock().getParameters().get(WEIGHT).getArray().toFloatArray();
            assertFalse(Arrays.equals(before, after), "the minimized objective moved the weights");
        }
    }
}
