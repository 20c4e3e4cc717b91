package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real child process in the middle of training: it stops after the step in
 * progress, says how to continue, and leaves no JVM crash report.
 */
class StopRequestTest {

    @TempDir Path dir;

    @Test
    void sigtermStopsAfterTheStepInProgress() throws Exception {
        SigtermProbe.Stopped stopped = SigtermProbe.stopWhenPrinted(dir, "baseline 1/50: ", Duration.ofMinutes(3),
                "train", "-r", "quickstart", "-o", dir.resolve("run").toString(), "--set", "train.epochs=50");
        assertEquals(143, stopped.exitCode(), stopped.output());
        assertTrue(stopped.output().matches("(?s).*stopping on request after step \\d+/422 of baseline \\d+/50; run the"
                + " same command with --resume to continue from the last checkpoint.*"), stopped.output());
    }
}
