package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real child process running the pipeline is killed with SIGKILL in the middle of stage 3; the
 * run resumes, skips the finished stages, and ends where an uninterrupted run ends.
 */
class PipelineResumeTest {

    private static final String[] SMALL = {
        "--set", "dataset.trainLimit=3000", "--set", "dataset.testLimit=1000", "--set", "train.epochs=1",
        "--set", "stages.kmeans.samples=512", "--set", "stages.calibrate.samples=512",
        "--set", "stages.calibrate.epochs=1", "--set", "stages.finetune.epochs=3", "--set", "stages.freeze.epochs=1"
    };

    @TempDir Path dir;

    private static List<String> args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(SMALL));
        return all;
    }

    private static String run(List<String> args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        int code = cmd.execute(args.toArray(String[]::new));
        assertEquals(0, code, out.toString());
        return out.toString();
    }

    private static double freezeAccuracy(Path output) throws Exception {
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("report.json"))).getAsJsonObject();
        for (var s : report.getAsJsonArray("stages")) {
            if (s.getAsJsonObject().get("stage").getAsString().equals("freeze")) {
                return s.getAsJsonObject().get("testAccuracy").getAsDouble();
            }
        }
        throw new AssertionError("no freeze stage in " + report);
    }

    @Test
    void killedInStageThreeResumesWithoutRepeatingFinishedStages() throws Exception {
        Path killed = dir.resolve("killed");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "ai.lutboost.cli.Main"));
        command.addAll(args("run", "quickstart", "-o", killed.toString(), "-q"));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        Path marker = killed.resolve("checkpoints").resolve("finetune-epoch-0001.ckpt");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(marker), "stage 3 wrote an epoch checkpoint: " + Files.readString(dir.resolve("child.log")));
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertTrue(!Files.exists(killed.resolve("checkpoints").resolve("freeze.ckpt")), "killed before stage 4");

        String resumed = run(args("run", "quickstart", "-o", killed.toString(), "--resume"));
        assertTrue(resumed.contains("stage baseline: finished, skipped"), resumed);
        assertTrue(resumed.contains("stages up to calibrate finished"), resumed);
        assertTrue(resumed.contains("resuming stage finetune after epoch 1"), resumed);
        assertTrue(!resumed.contains("stage kmeans ...") && !resumed.contains("stage calibrate ..."), resumed);
        try (Stream<Path> files = Files.list(killed.resolve("checkpoints"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp")), "no half-written checkpoint: " + names);
            assertTrue(names.contains("freeze.ckpt"), names.toString());
        }

        Path whole = dir.resolve("whole");
        run(args("run", "quickstart", "-o", whole.toString(), "-q"));
        double a = freezeAccuracy(killed);
        double b = freezeAccuracy(whole);
        assertEquals(b, a, 0.005, "resumed " + a + " vs uninterrupted " + b);
        assertTrue(b > 0.6, "a real model: " + b);
        assertTrue(new File(killed.toFile(), "report.json").length() > 0);
    }
}
