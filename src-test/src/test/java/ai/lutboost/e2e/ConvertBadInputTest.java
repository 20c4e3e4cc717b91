package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Bad input to the conversion: each a one-line error and exit code 2, with nothing half-written. */
class ConvertBadInputTest {

    @TempDir static Path dir;
    static Path baseline;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Result(cmd.execute(args), out.toString(), err.toString());
    }

    @BeforeAll
    static void trainTinyBaseline() {
        Result r = run("train", "-r", "quickstart", "-o", dir.resolve("base").toString(), "-q",
                "--set", "train.epochs=1", "--set", "dataset.trainLimit=500", "--set", "dataset.testLimit=200");
        assertEquals(0, r.code(), r.err());
        baseline = dir.resolve("base/checkpoints/baseline.ckpt");
    }

    private static Result convert(String out, String... sets) {
        String[] args = new String[7 + 2 * sets.length];
        String[] head = {"convert", "-r", "quickstart", "-o", dir.resolve(out).toString(), "--baseline", baseline.toString()};
        System.arraycopy(head, 0, args, 0, head.length);
        for (int i = 0; i < sets.length; i++) {
            args[head.length + 2 * i] = "--set";
            args[head.length + 2 * i + 1] = sets[i];
        }
        return run(args);
    }

    @Test
    void aLayerTheModelLacks() {
        Result r = convert("a", "lut.byName.fc7={k: 8}");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: --set lut.byName.fc7={k: 8}: key 'lut.byName.fc7': expected a convertible layer of the"
                + " model, one of [conv1, conv2, fc1, fc2, fc3], found 'fc7', which the model lacks\n", r.err());
        assertFalse(Files.exists(dir.resolve("a/report.json")), "nothing written");
    }

    @Test
    void aSubVectorLengthThatDoesNotDivideALayer() {
        Result r = convert("b", "lut.byName.fc1={v: 7}");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: recipes/quickstart.yaml (shipped): lut: layer fc1: v=7 does not divide"
                + " its input length 400; valid v: [1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50], or set pad: true"), r.err());
        assertFalse(Files.exists(dir.resolve("b/report.json")), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--resume", "--from-stage=kmeans"})
    void checkpointsWithoutTheirReport(String flag) throws Exception {
        Path out = dir.resolve("noreport" + flag.replaceAll("\\W", ""));
        Path kmeans = Files.createDirectories(out.resolve("checkpoints")).resolve("kmeans.ckpt");
        Files.writeString(kmeans, "copied by hand");
        List<String> args = new ArrayList<>(List.of("convert", "-r", "quickstart", "-o", out.toString(), "--baseline",
                baseline.toString()));
        if (!flag.isEmpty()) {
            args.add(flag);
        }
        Result r = run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + out + " holds checkpoints of a conversion (kmeans.ckpt) but no report.json, which"
                + " records the stages that finished; a run would redo them and overwrite these checkpoints: restore"
                + " the report (then --resume continues), delete the checkpoints, or choose another --output\n",
                r.err());
        assertEquals("copied by hand", Files.readString(kmeans), "the checkpoint may not be overwritten");
        assertFalse(Files.exists(out.resolve("report.json")), "nothing written");
    }

    @Test
    void aMissingBaseline() {
        Result r = run("convert", "-r", "quickstart", "-o", dir.resolve("c").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: baseline checkpoint " + dir.resolve("c/checkpoints/baseline.ckpt")
                + " not found; train it first with 'lutboost train -r quickstart'"), r.err());
        assertFalse(Files.exists(dir.resolve("c")), "nothing written");
    }

    @Test
    void aCorruptBaseline() throws Exception {
        Path bad = dir.resolve("corrupt.ckpt");
        byte[] bytes = Files.readAllBytes(baseline);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(bad, bytes);
        Result r = run("convert", "-r", "quickstart", "-o", dir.resolve("d").toString(), "--baseline", bad.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + bad + ": checkpoint is corrupt (SHA-256 mismatch); delete it to resume from the"
                + " previous one, or start the run again\n", r.err());
        assertFalse(Files.exists(dir.resolve("d/report.json")), "nothing written");
    }

    @Test
    void aBaselineOnlyRecipeCannotConvert() {
        Result r = run("convert", "-r", "fashion-lenet5", "-o", dir.resolve("e").toString(), "--baseline", baseline.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("key 'lut': expected a lut section for stages after baseline"), r.err());
    }
}
