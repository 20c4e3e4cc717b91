package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C's SIGINT also does) to a real child process in the middle of training:
 * it stops after the step in progress, says how to continue, and leaves no JVM crash report.
 */
class StopRequestTest {

    @TempDir Path dir;

    @Test
    void sigtermStopsAfterTheStepInProgress() throws Exception {
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "ai.lutboost.cli.Main",
                        "train", "-r", "quickstart", "-o", dir.resolve("run").toString(), "--set", "train.epochs=50")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(log).contains("baseline 1/50: ") && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(child.isAlive(), "still training: " + Files.readString(log));
        child.destroy();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped within a minute: " + Files.readString(log));
        String out = Files.readString(log);
        assertEquals(143, child.exitValue(), out);
        assertTrue(out.matches("(?s).*stopping on request after step \\d+/422 of baseline \\d+/50; run the same"
                + " command with --resume to continue from the last checkpoint.*"), out);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith("hs_err") || n.startsWith("core")), names.toString());
        }
    }
}
