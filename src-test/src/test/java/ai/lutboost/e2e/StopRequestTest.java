package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.training.TrainingCheckpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real child process in the middle of training: it stops after the step in
 * progress, checkpoints the epoch so far, says how to continue, and leaves no JVM crash report.
 */
class StopRequestTest {

    @TempDir Path dir;

    @Test
    void sigtermStopsAfterTheStepInProgressAndCheckpointsIt() throws Exception {
        SigtermProbe.Stopped stopped = SigtermProbe.stopWhenPrinted(dir, "baseline 1/50: ", Duration.ofMinutes(3),
                "train", "-r", "quickstart", "-o", dir.resolve("run").toString(), "--set", "train.epochs=50");
        assertEquals(143, stopped.exitCode(), stopped.output());
        Matcher m = Pattern.compile("stopping on request after step (\\d+)/422 of baseline (\\d+)/50; run the same"
                + " command with --resume to continue from the last checkpoint").matcher(stopped.output());
        assertTrue(m.find(), stopped.output());
        int step = Integer.parseInt(m.group(1));
        Path saved = dir.resolve("run/checkpoints").resolve(
                TrainingCheckpoint.insideEpoch("baseline-epoch-", Integer.parseInt(m.group(2)), step) + ".ckpt");
        assertEquals(step, TrainingCheckpoint.read(saved).state().partial().steps(),
                "the steps done before the stop are checkpointed, so --resume continues after them");
    }
}
