package ai.lutboost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LutBoostCommandTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"run", "train", "convert", "export", "eval", "verify", "inspect", "dse", "bench", "datasets",
        "datasets download"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        CliFixture r = CliFixture.run(args);
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: lutboost " + command), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "convert", "run"})
    void commandsThatTrainOfferResumeAndCheckpointInterval(String command) {
        CliFixture r = CliFixture.run(command, "--help");
        assertTrue(r.out().contains("--resume") && r.out().contains("--checkpoint-every=SECONDS"), r.out());
    }

    /** Export trains nothing, and a sweep always continues from what it finished. */
    @ParameterizedTest
    @CsvSource({"export,--resume", "export,--checkpoint-every=60", "dse,--resume", "dse,--checkpoint-every=60"})
    void commandsThatDoNotTrainRefuseTheCheckpointOptions(String command, String option) {
        CliFixture r = CliFixture.run(command, "-r", "quickstart", "-o", dir.resolve("run").toString(), option);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("Unknown option: '" + option + "'"), r.err());
        assertFalse(CliFixture.run(command, "--help").out().contains("--resume"));
    }

    @Test
    void benchHelpListsThePartsItAccepts() {
        CliFixture r = CliFixture.run("bench", "--help");
        assertTrue(r.out().replaceAll("\\s+", " ").contains(
                "Parts to skip: linear, conv, frozen, metrics, vit, memory, kmeans, engine-model, engine-layer"
                + " (comma-separated)."),
                r.out());
    }

    @Test
    void unknownOptionIsBadInput() {
        CliFixture r = CliFixture.run("train", "--recipe", "quickstart", "--epochz", "3");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unknown options: '--epochz'"), r.err());
    }

    @Test
    void benchTimesTheLayersWithTheMetricAsked() {
        CliFixture r = CliFixture.run("bench", "-q", "--metric", "chebyshev", "--steps", "2", "--warmup", "1",
                "--skip", "conv,metrics,vit,memory,kmeans,engine-layer,engine-model");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ratio soft/Linear = "), r.out());
        assertTrue(r.out().contains("ratio hard/Linear = "), r.out());
        assertTrue(r.out().contains("[LutLinear, D=N=512, batch 128, v=4, K=16, chebyshev]"), r.out());
        // 512 inputs in 128 codebooks of v=4, one row each per sample of the batch of 128.
        assertTrue(r.out().contains("softmax over [128, 128, 16] scores"), r.out());
        assertTrue(r.out().contains("ratio frozen/Conv2d = "), r.out());
        assertTrue(r.out().contains("[LeNet-5 conv2 frozen to its table, straight-through, batch 128, v=5, K=16,"
                + " chebyshev]"), r.out());
        CliFixture bad = CliFixture.run("bench", "--metric", "manhattan", "--skip",
                "linear,conv,frozen,memory,kmeans,engine-layer,engine-model");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("unknown metric 'manhattan', expected l2, l1 or chebyshev"), bad.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--from-stage", "--until-stage"})
    void anUnknownStageIsBadInputBeforeTheRunIsAnnounced(String option) {
        CliFixture r = CliFixture.run("convert", "-r", "quickstart", option, "fintune", "-o",
                dir.resolve("run").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: unknown stage 'fintune', expected one of [baseline, kmeans, calibrate,"
                + " finetune, freeze]"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--k|16,0|--k 0: K must be a power of two from 2 on",
        "--mixed|--k=16|--mixed needs a sweep of at least two points, got 1",
        "--budget|-1|--budget must be a number of accuracy points of at least 0, got -1.0"})
    void dseRejectsABadSweepBeforeTrainingTheBaseline(String option, String value, String message) {
        Path out = dir.resolve("dse");
        CliFixture r = CliFixture.run("dse", "-q", "--v", "4", option, value, "-o", out.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: " + message), r.err());
        assertFalse(Files.exists(out.resolve("baseline")), "the baseline may not train before the sweep is checked");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gpu99|--device gpu99: the PyTorch engine sees ",
        "tpu0|--device tpu0: expected cpu or gpuN, e.g. gpu0"})
    void aDeviceTheEngineCannotUseIsBadInput(String device, String message) {
        CliFixture r = CliFixture.run("train", "-r", "quickstart", "--set", "train.epochs=1", "--device", device,
                "-o", dir.resolve("run").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: " + message), r.err());
        assertFalse(Files.exists(dir.resolve("run").resolve("checkpoints")), "nothing may be trained");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--skip|linear,conv,frozn|--skip: unknown part 'frozn', expected some of linear, conv, frozen, metrics, vit, memory,",
        "--skip|linear,conv,frozen,metrics,vit,memory,kmeans,engine-layer,engine-model|--skip names every part",
        "--steps|0|--steps must be at least 1",
        "--memory-steps|9|--memory-steps must be at least 10, got 9",
        "--engine-threads|0|--engine-threads must be at least 1, got 0"})
    void benchRejectsOptionsItCannotMeasure(String option, String value, String message) {
        CliFixture r = CliFixture.run("bench", "-q", option, value);
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.err().contains(message), r.err());
        assertTrue(r.out().isEmpty(), "no part may run before the options are checked: " + r.out());
    }

    private Path recipe(String trainSection) throws Exception {
        return Files.writeString(dir.resolve("r.yaml"), String.join("\n",
                "name: r", "model:", "  arch: lenet5", "train:", trainSection, ""));
    }

    @Test
    void recipeWithUnknownKeyExitsTwoWithOneLineAndNoOutput() throws Exception {
        Path r = recipe("  epochs: 1\n  learning_rate: 0.1");
        Path out = dir.resolve("out");
        CliFixture res = CliFixture.run("train", "-r", r.toString(), "-o", out.toString());
        assertEquals(2, res.exitCode());
        assertEquals("error: " + r + ":6: key 'train.learning_rate': expected one of the known keys of 'train'"
                + " [batchSize, epochs, finalLearningRate, learningRate, momentum, optimizer, schedule,"
                + " stepEpochs, stepFactor, warmupEpochs, weightDecay], found an unknown key 'learning_rate'\n",
                res.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void unknownEstimatorOrNegativeBetaExitsTwoNamingFileAndLine() throws Exception {
        String lut = String.join("\n", "name: r", "model:", "  arch: lenet5", "lut:",
                "  defaults: {v: 4, k: 16, estimator: hard}", "  hardEstimator: {beta: 0.25}", "");
        Path bad = Files.writeString(dir.resolve("e.yaml"), lut.replace("estimator: hard", "estimator: fast"));
        CliFixture res = CliFixture.run("convert", "-r", bad.toString(), "-o", dir.resolve("e").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertEquals("error: " + bad + ":5: key 'lut.defaults.estimator': expected one of soft, hard, found 'fast'\n",
                res.err());
        Path beta = Files.writeString(dir.resolve("b.yaml"), lut.replace("beta: 0.25", "beta: -1"));
        res = CliFixture.run("convert", "-r", beta.toString(), "-o", dir.resolve("b").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertTrue(res.err().startsWith("error: " + beta + ":6: key 'lut.hardEstimator.beta': expected a number >= 0.0"),
                res.err());
        assertFalse(Files.exists(dir.resolve("e")) || Files.exists(dir.resolve("b")), "nothing written");
    }

    @Test
    void aKThatIsNotAPowerOfTwoIsRefusedWithTheReason() throws Exception {
        String lut = String.join("\n", "name: r", "model:", "  arch: lenet5", "lut:",
                "  defaults: {v: 4, k: 16}", "  byName:", "    fc1: {k: 12}", "");
        Path r = Files.writeString(dir.resolve("k.yaml"), lut);
        CliFixture res = CliFixture.run("convert", "-r", r.toString(), "-o", dir.resolve("k").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertEquals("error: " + r + ":7: key 'lut.byName.fc1.k': expected a power of two from 2 to 65536 (a centroid"
                + " index takes log2(K) bits on the datapath), found 12\n", res.err());
        res = CliFixture.run("dse", "-q", "--v", "4", "--k", "8,12", "-o", dir.resolve("kd").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertTrue(res.err().startsWith("error: --k 12: K must be a power of two"), res.err());
        assertFalse(Files.exists(dir.resolve("k")) || Files.exists(dir.resolve("kd")), "nothing written");
    }

    @Test
    void aVThatDoesNotDivideALayerIsReportedBeforeTheBaselineTrains() {
        Path out = dir.resolve("v");
        CliFixture res = CliFixture.run("run", "quickstart", "--set", "lut.byName.fc1.v=7", "-o", out.toString());
        assertEquals(2, res.exitCode(), res.err());
        assertTrue(res.err().startsWith("error: recipes/quickstart.yaml (shipped): lut: layer fc1: v=7 does not divide"
                + " its input length 400; valid v: [1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50], or set pad: true"),
                res.err());
        assertFalse(Files.exists(out.resolve("checkpoints")), "the baseline may not train first");
    }

    @Test
    void aRecipeOfRandomBytesAndAnOutputPathUnderAFileAreBadInputWithTheReason() throws Exception {
        byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        Path junk = Files.write(dir.resolve("junk.yaml"), noise);
        CliFixture res = CliFixture.run("convert", "-r", junk.toString(), "-o", dir.resolve("j").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertTrue(res.err().startsWith("error: " + junk + ": expected a YAML recipe in UTF-8 text, found bytes that"
                + " are not UTF-8 text"), res.err());

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        res = CliFixture.run("train", "-r", "quickstart", "-o", file.resolve("run").toString());
        assertEquals(2, res.exitCode(), res.err());
        assertTrue(res.err().startsWith("error: cannot write " + file.resolve("run").resolve("recipe.resolved.yaml")
                + ": " + file.resolve("run") + ": Not a directory; choose another output location (-o)"), res.err());
    }

    @Test
    void negativeLearningRateExitsTwo() throws Exception {
        Path r = recipe("  learningRate: -0.001");
        CliFixture res = CliFixture.run("train", "-r", r.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, res.exitCode());
        assertTrue(res.err().startsWith("error: " + r + ":5: key 'train.learningRate': expected a number > 0.0"), res.err());
        assertFalse(res.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path r = recipe("  learningRate: -0.001");
        CliFixture res = CliFixture.run("train", "-r", r.toString(), "--verbose");
        assertEquals(2, res.exitCode());
        assertTrue(res.err().contains("\tat ai.lutboost.recipe.RecipeLoader"), res.err());
    }

    @Test
    void missingDatasetSaysHowToGetItAndWritesNothing() throws Exception {
        Path out = dir.resolve("out");
        CliFixture res = CliFixture.run("train", "-r", "quickstart", "--data-dir", dir.resolve("absent").toString(),
                "-o", out.toString());
        assertEquals(2, res.exitCode());
        assertTrue(res.err().contains("dataset fashion-mnist not found in --data-dir"), res.err());
        assertTrue(res.err().contains("apt-get install dataset-fashion-mnist"), res.err());
        assertFalse(Files.exists(out));
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(bytes);
        }
        return b.toByteArray();
    }

    private static byte[] idx(int magicType, int[] dims, int dataBytes) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magicType);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(new byte[dataBytes]);
        return b.toByteArray();
    }

    /** MNIST has no SHA-256 on record, so its files reach the IDX checks. */
    private Path mnist(byte[] trainImages) throws Exception {
        Path m = Files.createDirectories(dir.resolve("data/mnist"));
        Files.write(m.resolve("train-images-idx3-ubyte.gz"), gzip(trainImages));
        Files.write(m.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x801, new int[] {4}, 4)));
        Files.write(m.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(0x803, new int[] {4, 28, 28}, 4 * 784)));
        Files.write(m.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(0x801, new int[] {4}, 4)));
        return m;
    }

    @Test
    void truncatedIdxFileExitsTwoNamingTheFile() throws Exception {
        Path m = mnist(idx(0x803, new int[] {4, 28, 28}, 3 * 784));
        Path out = dir.resolve("out");
        CliFixture res = CliFixture.run("train", "-r", "quickstart", "--set", "dataset.name=mnist",
                "--data-dir", dir.resolve("data").toString(), "-o", out.toString());
        assertEquals(2, res.exitCode());
        assertEquals("error: " + m.resolve("train-images-idx3-ubyte.gz")
                + ": dimensions [4, 28, 28] need 3136 data bytes, found 2352 (truncated)\n", res.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void wrongMagicNumberExitsTwoNamingTheFile() throws Exception {
        Path m = mnist(idx(0x1f000803, new int[] {4, 28, 28}, 4 * 784));
        CliFixture res = CliFixture.run("train", "-r", "quickstart", "--set", "dataset.name=mnist",
                "--data-dir", dir.resolve("data").toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, res.exitCode());
        assertTrue(res.err().startsWith("error: " + m.resolve("train-images-idx3-ubyte.gz")
                + ": wrong magic number 0x1f000803, expected 0x00000803"), res.err());
    }

    @Test
    void unknownShippedRecipeListsTheShippedOnes() {
        CliFixture res = CliFixture.run("run", "no-such-recipe");
        assertEquals(2, res.exitCode());
        assertTrue(res.err().contains("(dse-lenet5, fashion-lenet5, fashion-lenet5-lut-chebyshev, fashion-lenet5-lut-l1,"
                + " fashion-lenet5-lut-l2, fashion-resnet, fashion-resnet-lut-chebyshev, fashion-resnet-lut-l1,"
                + " fashion-resnet-lut-l2, fashion-vit-tiny, fashion-vit-tiny-lut, quickstart)"), res.err());
    }

    @Test
    void runTakesTheRecipeAsOptionLikeTheOtherCommandsButOnlyOnce() {
        CliFixture byOption = CliFixture.run("run", "-r", "no-such-recipe");
        assertEquals(2, byOption.exitCode());
        assertTrue(byOption.err().startsWith("error: no-such-recipe"), byOption.err());
        CliFixture both = CliFixture.run("run", "quickstart", "--recipe", "fashion-lenet5");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().startsWith("two recipes given: 'quickstart' and --recipe 'fashion-lenet5'; give one\n"
                + "Run the whole job"), both.err());
    }

    @Test
    void datasetsListsFashionMnistAsVerified() {
        CliFixture res = CliFixture.run("datasets");
        assertEquals(0, res.exitCode(), res.err());
        assertTrue(res.out().matches("(?s).*fashion-mnist +ok +\\S+ +\\S+ \\(60000 train, 10000 test; SHA-256 verified\\).*"),
                res.out());
    }
}
