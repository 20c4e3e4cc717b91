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

    /** The CLI in a child JVM, its output in {@code child.log}. */
    private Process start(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "ai.lutboost.cli.Main"));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
    }

    private static JsonObject stage(Path output, String name) throws Exception {
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("report.json"))).getAsJsonObject();
        for (var s : report.getAsJsonArray("stages")) {
            if (s.getAsJsonObject().get("stage").getAsString().equals(name)) {
                return s.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + name + " stage in " + report);
    }

    private static List<Path> finetuneCheckpoints(Path output) throws Exception {
        try (Stream<Path> files = Files.list(output.resolve("checkpoints"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("finetune-epoch-")).sorted().toList();
        }
    }

    /**
     * Killed inside a finetune epoch after a checkpoint written within it: the run continues from
     * that step, not from the epoch's start, and ends as an uninterrupted run ends, to the last
     * bit of each epoch's training loss and of the final test accuracy.
     */
    @Test
    void killedInsideAnEpochResumesFromTheStepCheckpoint() throws Exception {
        Path killed = dir.resolve("killed-inside");
        Process child = start(args("run", "quickstart", "-o", killed.toString(), "-q", "--checkpoint-every", "1"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (child.isAlive() && System.nanoTime() < deadline && (!Files.isDirectory(killed.resolve("checkpoints"))
                || finetuneCheckpoints(killed).stream().noneMatch(p -> p.toString().contains("-step-")))) {
            Thread.sleep(20);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        List<Path> written = finetuneCheckpoints(killed);
        assertTrue(written.stream().anyMatch(p -> p.toString().contains("-step-")),
                "a checkpoint inside an epoch: " + written + "\n" + Files.readString(dir.resolve("child.log")));
        // The kill may land after the epoch's own checkpoint: drop what followed the newest step
        // checkpoint, as if the process had died right after writing it.
        int newest = 0;
        for (int i = 0; i < written.size(); i++) {
            newest = written.get(i).toString().contains("-step-") ? i : newest;
        }
        for (Path later : written.subList(newest + 1, written.size())) {
            Files.delete(later);
        }
        String name = written.get(newest).getFileName().toString();
        String step = name.substring(name.indexOf("-step-") + 6, name.length() - ".ckpt".length());

        String resumed = run(args("run", "quickstart", "-o", killed.toString(), "--resume"));
        assertTrue(resumed.matches("(?s).*resuming stage finetune in epoch " + Integer.parseInt(name.substring(15, 19))
                + " after step " + Integer.parseInt(step) + " from .*" + name + "\\R.*"), resumed);

        Path whole = dir.resolve("whole-inside");
        run(args("run", "quickstart", "-o", whole.toString(), "-q", "--checkpoint-every", "0"));
        JsonObject a = stage(killed, "finetune");
        JsonObject b = stage(whole, "finetune");
        for (int e = 0; e < 3; e++) {
            assertEquals(b.getAsJsonArray("history").get(e).getAsJsonObject().get("trainLoss").getAsDouble(),
                    a.getAsJsonArray("history").get(e).getAsJsonObject().get("trainLoss").getAsDouble(),
                    "finetune epoch " + (e + 1) + "'s training loss");
        }
        assertEquals(stage(whole, "freeze").get("testAccuracy").getAsDouble(),
                stage(killed, "freeze").get("testAccuracy").getAsDouble());
    }

    @Test
    void killedInStageThreeResumesWithoutRepeatingFinishedStages() throws Exception {
        Path killed = dir.resolve("killed");
        Process child = start(args("run", "quickstart", "-o", killed.toString(), "-q"));
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
        double a = stage(killed, "freeze").get("testAccuracy").getAsDouble();
        double b = stage(whole, "freeze").get("testAccuracy").getAsDouble();
        // On a mismatch, the stages' accuracies and the finetune epochs show where the runs parted.
        assertEquals(b, a, 0.005, "resumed " + a + " vs uninterrupted " + b + "; resumed finetune "
                + stage(killed, "finetune") + ", calibrate " + stage(killed, "calibrate").get("testAccuracy")
                + "; uninterrupted finetune " + stage(whole, "finetune") + ", calibrate "
                + stage(whole, "calibrate").get("testAccuracy"));
        assertTrue(b > 0.6, "a real model: " + b);
        assertTrue(new File(killed.toFile(), "report.json").length() > 0);
    }
}
