package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.Split;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.TableBundleReader;
import ai.lutboost.pipeline.PipelineReport;
import ai.lutboost.pipeline.ReportPage;
import ai.lutboost.quant.DatapathPlan;
import ai.lutboost.quant.FixedPointFormat;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeLoader;
import ai.lutboost.training.RecipeData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A small LeNet-5 conversion through the CLI, then the bundle commands on its frozen model:
 * {@code run} ends with export and verify, {@code export} is reproducible to the byte, and
 * {@code eval}, {@code inspect} and {@code verify} agree with each other and refuse damage.
 */
class BundleEndToEndTest {

    private static final String[] SMALL = {
        "--set", "dataset.trainLimit=2000", "--set", "dataset.testLimit=500", "--set", "train.epochs=2",
        "--set", "stages.kmeans.samples=512", "--set", "stages.calibrate.samples=512",
        "--set", "stages.calibrate.epochs=1", "--set", "stages.finetune.epochs=1", "--set", "stages.freeze.epochs=0"
    };

    @TempDir static Path dir;

    private static Path run;
    private static String runOutput;

    @BeforeAll
    static void convert() {
        run = dir.resolve("run");
        runOutput = execute(0, args("run", "quickstart", "-o", run.toString(), "-q"));
    }

    private static List<String> args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(SMALL));
        return all;
    }

    private static String execute(int expectedCode, List<String> args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        int code = cmd.execute(args.toArray(String[]::new));
        assertEquals(expectedCode, code, out.toString());
        return out.toString();
    }

    private static double percent(String text, String label) {
        Matcher m = Pattern.compile(label + "\\s+([0-9.]+) %").matcher(text);
        assertTrue(m.find(), label + " in " + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void runEndsWithAnExportedAndVerifiedBundle() {
        assertTrue(runOutput.contains("verify            500/500 identical"), runOutput);
        assertTrue(runOutput.contains("golden vectors    256/256 identical"), runOutput);
        assertTrue(Files.isRegularFile(run.resolve("bundle").resolve("manifest.json")));
        double engine = percent(runOutput, "engine accuracy");
        assertTrue(engine > 50, "a real model, not chance: " + engine);
    }

    /**
     * The run sets the engine beside the frozen float model on the verified samples: the float
     * accuracy it prints is the freeze stage's test accuracy (same model, same 500 images), and
     * the comparison is of real classes, far above chance agreement. How close the two are is a
     * measurement, not asserted here: this test's small model agreed on 430 of 500 with the LUT
     * rounding alone (docs/measurements.md).
     */
    @Test
    void runComparesTheEngineWithTheFloatModel() throws Exception {
        Matcher m = Pattern.compile("engine vs float   (\\d+)/500 same class; float ([0-9.]+) %, engine ([0-9.]+) %")
                .matcher(runOutput);
        assertTrue(m.find(), runOutput);
        double freeze = PipelineReport.read(run.resolve(PipelineReport.FILE)).stage("freeze").testAccuracy();
        assertEquals(100 * freeze, Double.parseDouble(m.group(2)), 0.005, "float accuracy is the freeze stage's");
        assertEquals(percent(runOutput, "engine accuracy"), Double.parseDouble(m.group(3)), 0.005);
        assertTrue(Integer.parseInt(m.group(1)) >= 250, "engine and float model agree on " + m.group(1) + "/500");
        String page = Files.readString(run.resolve(ReportPage.FILE));
        assertTrue(page.contains(String.format(Locale.ROOT, "freeze     %8.2f%%", 100 * freeze)), page);
        assertEquals(2, page.split("src=\"data:image/png;base64,", -1).length - 1, "both plots embedded");
    }

    /**
     * The freeze stage calibrates once and saves the plan; the export takes every format from it
     * and calibrates nothing: a plan edited by hand shows up in the bundle as edited.
     */
    @Test
    void exportTakesEveryFormatFromTheFreezeStagesPlan() throws Exception {
        Path planFile = run.resolve("checkpoints").resolve(DatapathPlan.FILE_NAME);
        DatapathPlan plan = DatapathPlan.fromJson(Files.readString(planFile));
        assertEquals(List.copyOf(plan.formats().values()), formats(run.resolve("bundle")), "run's bundle");

        Path copy = dir.resolve("edited-plan");
        try (Stream<Path> files = Files.walk(run)) {
            for (Path p : files.filter(p -> !p.startsWith(run.resolve("bundle"))).toList()) {
                Path target = copy.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Map<String, FixedPointFormat> edited = new LinkedHashMap<>(plan.formats());
        String logits = List.copyOf(edited.keySet()).get(edited.size() - 1);
        FixedPointFormat f = edited.get(logits);
        edited.put(logits, new FixedPointFormat(f.bits(), f.fractionBits() - 1, f.signed()));
        Files.writeString(copy.resolve("checkpoints").resolve(DatapathPlan.FILE_NAME),
                new DatapathPlan(edited, plan.calibrationImages()).toJson());
        Path bundle = copy.resolve("bundle");
        execute(0, args("export", "-r", "quickstart", "-o", copy.toString(), "--bundle", bundle.toString(), "-q"));
        assertEquals(List.copyOf(edited.values()), formats(bundle), "the edited plan's formats, " + logits + " too");
    }

    private static List<FixedPointFormat> formats(Path bundle) throws Exception {
        return TableBundleReader.read(bundle).model().tensors().stream().map(IntegerTensor::format).toList();
    }

    /** A bundle path that cannot take a bundle is bad input, found before anything is computed. */
    @Test
    void exportRefusesABundlePathItCannotWrite() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String out = execute(2, args("export", "-r", "quickstart", "-o", run.toString(), "--bundle",
                file.resolve("b").toString(), "-q"));
        assertTrue(out.startsWith("error: cannot write bundle " + file.resolve("b") + ": "), out);
        assertTrue(out.contains("choose another output location"), out);

        Path mine = Files.createDirectories(dir.resolve("not-a-bundle"));
        Files.writeString(mine.resolve("keep.txt"), "mine");
        out = execute(2, args("export", "-r", "quickstart", "-o", run.toString(), "--bundle", mine.toString(), "-q"));
        assertTrue(out.startsWith("error: cannot write bundle " + mine + ": " + mine
                + " exists and is not a bundle; choose another --bundle path"), out);
        assertEquals("mine", Files.readString(mine.resolve("keep.txt")));
    }

    @Test
    void exportingTwiceGivesIdenticalBytesAndEvalMatchesVerify() throws Exception {
        Path a = dir.resolve("a.lutb");
        Path b = dir.resolve("b.lutb");
        execute(0, args("export", "-r", "quickstart", "-o", run.toString(), "--bundle", a.toString(), "-q"));
        execute(0, args("export", "-r", "quickstart", "-o", run.toString(), "--bundle", b.toString(), "-q"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));

        String verify = execute(0, List.of("verify", "--bundle", a.toString(), "--samples", "300"));
        assertTrue(verify.contains("300/300 identical"), verify);
        String eval = execute(0, List.of("eval", "--bundle", a.toString(), "--samples", "300", "--threads", "2"));
        assertEquals(percent(verify, "engine accuracy"), percent(eval, "engine accuracy"), 1e-9, eval);

        String inspect = execute(0, List.of("inspect", "--bundle", a.toString()));
        assertTrue(inspect.contains("conv2") && inspect.contains("lut_conv2d"), inspect);
        assertTrue(inspect.contains("fc3") && inspect.contains("linear"), inspect);
    }

    /**
     * {@code eval --split validation} runs the training images the recipe held out, chosen by the
     * recipe the bundle records: its count is the engine's on those images as picked here from the
     * run's own {@code recipe.resolved.yaml}. A split it does not know is bad input.
     */
    @Test
    void evalOnTheValidationSplitRunsTheImagesTheRecipeHeldOut() throws Exception {
        Path bundle = run.resolve("bundle");
        int n = 400;
        String eval = execute(0, List.of("eval", "--bundle", bundle.toString(), "--split", "validation", "--samples",
                String.valueOf(n), "--threads", "2", "-q"));
        Matcher m = Pattern.compile("engine accuracy   [0-9.]+ % \\((\\d+)/" + n + ", validation split\\)").matcher(eval);
        assertTrue(m.find(), eval);

        Recipe recipe = RecipeLoader.load(run.resolve("recipe.resolved.yaml"), List.of());
        ImageClassificationDataset validation =
                RecipeData.builder(recipe, null, Split.VALIDATION).setSampling(1, false).build();
        assertEquals(6000, validation.size(), "a tenth of the 60,000 training images");
        LutModel engine = LutModel.load(bundle);
        int[][] inputs = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = engine.quantize(validation.image(i));
        }
        int[][] logits = engine.predict(inputs, 2);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += LutModel.argmax(logits[i]) == validation.label(i) ? 1 : 0;
        }
        assertEquals(correct, Integer.parseInt(m.group(1)), eval);

        String bad = execute(2, List.of("eval", "--bundle", bundle.toString(), "--split", "train"));
        assertTrue(bad.contains("--split must be test or validation, got 'train'"), bad);
    }

    /** A bundle whose recipe held out no validation images cannot be evaluated on them: bad input. */
    @Test
    void evalOnTheValidationSplitOfARecipeWithoutOneIsBadInput() {
        Path noValidation = dir.resolve("no-validation");
        List<String> run = args("run", "quickstart", "-o", noValidation.toString(), "-q");
        run.addAll(List.of("--set", "dataset.validationFraction=0", "--set", "stages.calibrate.epochs=0"));
        execute(0, run);
        Path bundle = noValidation.resolve("bundle");
        String out = execute(2, List.of("eval", "--bundle", bundle.toString(), "--split", "validation"));
        assertTrue(out.contains("error: the recipe quickstart in " + bundle + " held out no validation images"
                + " (dataset.validationFraction 0); use --split test"), out);
    }

    @Test
    void damagedBundleIsBadInputNamingTheFile() throws Exception {
        Path copy = dir.resolve("damaged");
        Path bundle = run.resolve("bundle");
        try (var files = Files.walk(bundle)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(bundle.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path table = copy.resolve("tables/fc1.bin");
        byte[] data = Files.readAllBytes(table);
        data[data.length / 2] ^= 0x10;
        Files.write(table, data);
        String out = execute(2, List.of("verify", "--bundle", copy.toString()));
        assertTrue(out.contains("tables/fc1.bin: SHA-256"), out);
        assertTrue(!out.contains("at ai.lutboost"), "no stack trace without --verbose: " + out);
    }

    @Test
    void exportWithoutAFrozenModelSaysWhatToRun() {
        String out = execute(2, args("export", "-r", "quickstart", "-o", dir.resolve("empty").toString()));
        assertTrue(out.contains("no finished freeze stage") && out.contains("lutboost convert"), out);
    }

    /**
     * SIGTERM to a real {@code verify} in the middle of the test split: the simulation stops
     * after the batch in progress, says where, and the JVM exits without a crash report, as
     * training does ({@code StopRequestTest}).
     */
    @Test
    void sigtermStopsVerifyAfterTheBatchInProgress() throws Exception {
        SigtermProbe.Stopped stopped = SigtermProbe.stopWhenPrinted(Files.createDirectories(dir.resolve("stop")),
                "verify 1000/10000", Duration.ofMinutes(2), "verify", "--bundle", run.resolve("bundle").toString());
        String out = stopped.output();
        assertEquals(143, stopped.exitCode(), out);
        assertTrue(out.matches("(?s).*stopping on request after sample \\d+/10000 of verify\\R.*"), out);
        assertFalse(out.contains("identical (integer simulation vs engine"), "no result printed: " + out);
    }

    /**
     * SIGTERM to a real {@code export} while it computes golden vectors: it stops after the batch
     * in progress, says where, and writes neither the bundle nor a temporary one, with no JVM crash
     * report.
     */
    @Test
    void sigtermStopsExportDuringGoldenVectorsWithNothingWritten() throws Exception {
        Path stop = Files.createDirectories(dir.resolve("stop-export"));
        Path target = stop.resolve("bundle");
        List<String> command = args("export", "-r", "quickstart", "-o", run.toString(), "--bundle", target.toString(),
                "--golden", "10000");
        SigtermProbe.Stopped stopped = SigtermProbe.stopWhenPrinted(stop, "export golden vectors", Duration.ofMinutes(2),
                command.toArray(String[]::new));
        String out = stopped.output();
        assertEquals(143, stopped.exitCode(), out);
        assertTrue(out.matches("(?s).*stopping on request after golden sample \\d+/10000 of export; run the same"
                + " command to export again\\R.*"), out);
        try (var files = Files.list(stop)) {
            assertEquals(List.of("child.log"), files.map(p -> p.getFileName().toString()).toList(),
                    "nothing written beside the child's log");
        }
    }
}
