package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a CLI command in a child JVM and sends it SIGTERM (what Ctrl-C's SIGINT also does) once
 * its output shows a given text: how a stop request in the middle of real work ends.
 */
final class SigtermProbe {

    /** What the stopped child printed (both streams) and its exit code. */
    record Stopped(String output, int exitCode) {}

    private SigtermProbe() {}

    /**
     * Starts the command in {@code dir}, stops it when {@code marker} is printed, and checks that
     * it ended within a minute and left no JVM crash report ({@code hs_err} or core file) there.
     *
     * @param dir the child's working directory
     * @param marker text whose appearance in the output triggers the signal
     * @param wait how long the marker may take
     * @param args the command line
     * @return the output and exit code
     */
    static Stopped stopWhenPrinted(Path dir, String marker, Duration wait, String... args) throws Exception {
        Path log = dir.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "ai.lutboost.cli.Main"));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Files.readString(log).contains(marker) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(child.isAlive(), "still running when '" + marker + "' appeared: " + Files.readString(log));
        child.destroy();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped within a minute: " + Files.readString(log));
        String out = Files.readString(log);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith("hs_err") || n.startsWith("core")),
                    "a JVM crash report: " + names + "\n" + out);
        }
        return new Stopped(out, child.exitValue());
    }
}
