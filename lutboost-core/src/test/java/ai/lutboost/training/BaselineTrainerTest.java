package ai.lutboost.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains LeNet-5 on a small slice of the real Fashion-MNIST. */
class BaselineTrainerTest {

    private static final String RECIPE = String.join("\n",
            "name: small",
            "seed: 3",
            "dataset: {name: fashion-mnist, trainLimit: 3000, testLimit: 1000}",
            "model: {arch: lenet5}",
            "train: {epochs: 3, batchSize: 64, learningRate: 0.003}",
            "");

    @TempDir Path dir;

    private static Recipe recipe(String... overrides) throws Exception {
        return RecipeLoader.parse("small.yaml", RECIPE, List.of(overrides));
    }

    @Test
    void lossFallsAccuracyPassesABoundAndRunsRepeatExactly() throws Exception {
        TrainingResult a = BaselineTrainer.train(recipe(), TrainOptions.quiet(dir.resolve("a"), null));
        assertEquals(3, a.history().size());
        assertTrue(a.history().get(2).trainLoss() < 0.8 * a.history().get(0).trainLoss(),
                "loss must fall: " + a.history());
        // 3,000 training images, 3 epochs: LeNet-5 reaches about 80 %; chance is 10 %.
        assertTrue(a.testAccuracy() > 0.72, "test accuracy " + a.testAccuracy());
        assertEquals(1000, a.testSamples());
        assertTrue(Files.isRegularFile(a.metricsFile()));
        assertTrue(Files.readString(dir.resolve("a/recipe.resolved.yaml")).contains("# sha256: " + a.recipeSha256()));

        TrainingResult b = BaselineTrainer.train(recipe(), TrainOptions.quiet(dir.resolve("b"), null));
        assertEquals(a.testAccuracy(), b.testAccuracy(), "same recipe and seed must reproduce exactly");
        assertEquals(a.history().get(2).trainLoss(), b.history().get(2).trainLoss());
    }

    @Test
    void resumeAfterACrashContinuesExactly() throws Exception {
        TrainingResult full = BaselineTrainer.train(recipe(), TrainOptions.quiet(dir.resolve("full"), null));
        Path out = dir.resolve("crashed");
        BaselineTrainer.train(recipe(), TrainOptions.quiet(out, null));
        // Make it look like the run died after epoch 1: only that epoch's checkpoint is left.
        Path ckpts = out.resolve("checkpoints");
        Files.delete(ckpts.resolve("baseline.ckpt"));
        Files.delete(ckpts.resolve("baseline-epoch-0003.ckpt"));
        Files.delete(ckpts.resolve("baseline-epoch-0002.ckpt"));
        TrainingResult resumed = BaselineTrainer.train(recipe(), TrainOptions.quiet(out, null).withResume(true));
        assertEquals(full.history().get(0).trainLoss(), resumed.history().get(0).trainLoss(), "epoch 1 comes from the checkpoint");
        assertEquals(full.history().get(1).validationAccuracy(), resumed.history().get(1).validationAccuracy());
        assertEquals(full.history().get(2).trainLoss(), resumed.history().get(2).trainLoss());
        assertEquals(full.testAccuracy(), resumed.testAccuracy());
    }

    /**
     * With a checkpoint after every step, a run that died just before the end of its last epoch
     * resumes from the step checkpoint: it skips the batches done, carries the epoch's sums, and
     * ends exactly as an uninterrupted run.
     */
    @Test
    void resumeFromInsideAnEpochContinuesExactly() throws Exception {
        TrainingResult full = BaselineTrainer.train(recipe(), TrainOptions.quiet(dir.resolve("full"), null));
        Path out = dir.resolve("crashed-inside");
        BaselineTrainer.train(recipe(), TrainOptions.quiet(out, null).withCheckpointEvery(Duration.ofNanos(1)));
        Path ckpts = out.resolve("checkpoints");
        List<String> left;
        try (Stream<Path> files = Files.list(ckpts)) {
            left = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // trainLimit 3,000 in batches of 64: 47 steps, the last without a step checkpoint; the newest
        // two of the prefix are kept.
        assertEquals(List.of("baseline-epoch-0003-step-000046.ckpt", "baseline-epoch-0003.ckpt", "baseline.ckpt"),
                left);
        Files.delete(ckpts.resolve("baseline.ckpt"));
        Files.delete(ckpts.resolve("baseline-epoch-0003.ckpt"));

        List<String> log = new ArrayList<>();
        TrainingResult resumed = BaselineTrainer.train(recipe(), new TrainOptions(out, null, true, null, null, log::add));
        assertTrue(log.get(0).startsWith("resuming small in epoch 3 after step 46 from "), log.get(0));
        for (int e = 0; e < 3; e++) {
            assertEquals(full.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), "epoch " + (e + 1));
            assertEquals(full.history().get(e).trainAccuracy(), resumed.history().get(e).trainAccuracy());
        }
        assertEquals(full.testAccuracy(), resumed.testAccuracy());
    }

    @Test
    void refusesToOverwriteAndToResumeAnotherRecipe() throws Exception {
        Path out = dir.resolve("r");
        BaselineTrainer.train(recipe("train.epochs=1"), TrainOptions.quiet(out, null));
        CheckpointException again = assertThrows(CheckpointException.class,
                () -> BaselineTrainer.train(recipe("train.epochs=1"), TrainOptions.quiet(out, null)));
        assertTrue(again.getMessage().contains("pass --resume"), again.getMessage());
        CheckpointException other = assertThrows(CheckpointException.class,
                () -> BaselineTrainer.train(recipe("train.epochs=2"), TrainOptions.quiet(out, null).withResume(true)));
        assertTrue(other.getMessage().contains("was written by a different recipe"), other.getMessage());
    }

    @Test
    void corruptCheckpointIsNamedOnResume() throws Exception {
        Path out = dir.resolve("c");
        BaselineTrainer.train(recipe("train.epochs=1"), TrainOptions.quiet(out, null));
        Path ckpt = out.resolve("checkpoints/baseline-epoch-0001.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length / 2] ^= 1;
        Files.write(ckpt, bytes);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> BaselineTrainer.train(recipe("train.epochs=1"), TrainOptions.quiet(out, null).withResume(true)));
        assertEquals(ckpt + ": checkpoint is corrupt (SHA-256 mismatch); delete it to resume from the previous"
                + " one, or start the run again", e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void missingDataLeavesNoOutput() throws Exception {
        Path out = dir.resolve("nodata");
        ai.lutboost.datasets.DatasetException e = assertThrows(ai.lutboost.datasets.DatasetException.class,
                () -> BaselineTrainer.train(recipe(), TrainOptions.quiet(out, dir.resolve("no-such-dir"))));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertFalse(Files.exists(out), "nothing may be written when the data is missing");
    }
}
