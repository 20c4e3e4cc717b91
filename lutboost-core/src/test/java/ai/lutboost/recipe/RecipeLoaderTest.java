package ai.lutboost.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.HardEstimatorSettings;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecipeLoaderTest {

    private static final String BASE = String.join("\n",
            "name: t",
            "seed: 7",
            "dataset:",
            "  name: fashion-mnist",
            "model:",
            "  arch: resnet",
            "  widths: [8, 16]",
            "train:",
            "  epochs: 3",
            "  learningRate: 0.01",
            "");

    private static RecipeException fails(String text, String... overrides) {
        return assertThrows(RecipeException.class, () -> RecipeLoader.parse("r.yaml", text, List.of(overrides)));
    }

    @Test
    void fillsDefaultsAndKeepsValues() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", BASE, List.of());
        assertEquals("t", r.name());
        assertEquals(7, r.seed());
        assertEquals(List.of(8, 16), r.model().widths());
        assertEquals(1, r.model().blocksPerStage());
        assertEquals(3, r.train().epochs());
        assertEquals(0.01, r.train().learningRate());
        assertEquals(128, r.train().batchSize());
        assertEquals("adam", r.train().optimizer());
        assertEquals(0.1, r.dataset().validationFraction());
        assertTrue(r.resolvedYaml().contains("blocksPerStage: 1"), r.resolvedYaml());
        assertEquals(64, r.sha256().length());
    }

    @Test
    void missingSectionsTakeTheirDefaults() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", "name: m\nmodel: {arch: lenet5}\n", List.of());
        assertEquals("fashion-mnist", r.dataset().name());
        assertEquals(10, r.train().epochs());
        assertEquals(42, r.seed());
    }

    @Test
    void unknownKeyGivesFileLineKeyExpectedAndFound() {
        RecipeException e = fails(BASE.replace("  epochs: 3", "  epochs: 3\n  epocs: 4"));
        assertEquals("r.yaml:10: key 'train.epocs': expected one of the known keys of 'train' [batchSize,"
                + " epochs, finalLearningRate, learningRate, momentum, optimizer, schedule, stepEpochs,"
                + " stepFactor, warmupEpochs, weightDecay], found an unknown key 'epocs'", e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void negativeLearningRateIsRejectedWithItsLine() {
        RecipeException e = fails(BASE.replace("0.01", "-0.01"));
        assertEquals("r.yaml:10: key 'train.learningRate': expected a number > 0.0 and <= 10.0, found -0.01",
                e.getMessage());
    }

    @Test
    void wrongTypesAndImpossibleValues() {
        assertTrue(fails(BASE.replace("epochs: 3", "epochs: three")).getMessage()
                .startsWith("r.yaml:9: key 'train.epochs': expected a whole number, found 'three'"));
        assertTrue(fails(BASE.replace("epochs: 3", "epochs: 0")).getMessage()
                .contains("expected a whole number from 1 to 10000, found 0"));
        assertTrue(fails(BASE.replace("[8, 16]", "[8, -1]")).getMessage()
                .contains("key 'model.widths': expected whole numbers from 1 to 4096, found -1"));
        assertTrue(fails(BASE.replace("arch: resnet", "arch: alexnet")).getMessage()
                .contains("key 'model.arch': expected one of lenet5, resnet, vit-tiny, found 'alexnet'"));
        assertTrue(fails(BASE.replace("dataset:\n  name: fashion-mnist", "dataset: fashion")).getMessage()
                .startsWith("r.yaml:3: key 'dataset': expected a mapping of keys to values, found 'fashion'"));
    }

    @Test
    void keyOfAnotherArchitectureIsUnknown() {
        RecipeException e = fails(BASE.replace("  arch: resnet\n  widths: [8, 16]", "  arch: lenet5\n  widths: [8]"));
        assertTrue(e.getMessage().startsWith("r.yaml:7: key 'model.widths': expected one of the known keys of 'model' [arch]"),
                e.getMessage());
    }

    @Test
    void malformedYamlGivesTheLine() {
        RecipeException e = fails("name: t\nmodel:\n  arch: [lenet5\n");
        assertTrue(e.getMessage().startsWith("r.yaml:4: not valid YAML"), e.getMessage());
        assertTrue(fails("name: t\nname: u\nmodel:\n  arch: lenet5\n").getMessage().startsWith("r.yaml:"));
    }

    @Test
    void overridesApplyAndAreValidatedLikeTheFile() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", BASE, List.of("train.epochs=1", "train.optimizer=sgd"));
        assertEquals(1, r.train().epochs());
        assertEquals("sgd", r.train().optimizer());
        assertNotEquals(RecipeLoader.parse("r.yaml", BASE, List.of()).sha256(), r.sha256());
        RecipeException e = fails(BASE, "train.epochs=0");
        assertTrue(e.getMessage().contains("key 'train.epochs': expected a whole number from 1 to 10000, found 0"),
                e.getMessage());
        // Named by the override, not by a line 0 of the file that has no such key.
        assertTrue(fails(BASE, "train.nope=1").getMessage().startsWith("--set train.nope=1: key 'train.nope':"),
                fails(BASE, "train.nope=1").getMessage());
        assertTrue(fails(BASE, "train.nope=1").getMessage().contains("unknown key 'nope'"));
        assertTrue(fails(BASE, "epochs").getMessage().startsWith("--set epochs: expected key=value"));
        Recipe added = RecipeLoader.parse("r.yaml", BASE, List.of("dataset.trainLimit=100"));
        assertEquals(100, added.dataset().trainLimit());
    }

    @Test
    void estimatorIsReadPerLayerAndItsSettingsAreValidatedWithTheirLine() throws Exception {
        String lut = BASE + String.join("\n",
                "lut:",
                "  defaults: {v: 4, k: 16, estimator: hard}",
                "  byType:",
                "    conv2d: {estimator: soft}",
                "  hardEstimator: {beta: 0.5, reseedAfter: 20}",
                "");
        Recipe r = RecipeLoader.parse("r.yaml", lut, List.of());
        assertEquals(Estimator.HARD, r.lut().defaults().estimator());
        assertEquals(Estimator.SOFT, r.lut().byType().get("conv2d").applyTo(r.lut().defaults()).estimator());
        assertEquals(new HardEstimatorSettings(0.5, 1.0, 20), r.lut().hardEstimator());
        assertTrue(r.resolvedYaml().contains("estimator: hard"), r.resolvedYaml());
        assertEquals(Estimator.SOFT, RecipeLoader.parse("r.yaml", lut, List.of("lut.defaults.estimator=soft"))
                .lut().defaults().estimator());

        assertEquals("r.yaml:12: key 'lut.defaults.estimator': expected one of soft, hard, found 'medium'",
                fails(lut.replace("estimator: hard", "estimator: medium")).getMessage());
        assertEquals("r.yaml:14: key 'lut.byType.conv2d.estimator': expected one of soft, hard, found 'sof'",
                fails(lut.replace("estimator: soft", "estimator: sof")).getMessage());
        assertEquals("r.yaml:15: key 'lut.hardEstimator.beta': expected a number >= 0.0 and <= 1000.0, found -0.25",
                fails(lut.replace("beta: 0.5", "beta: -0.25")).getMessage());
        assertTrue(fails(lut.replace("reseedAfter: 20", "reseedAfter: -1")).getMessage()
                .startsWith("r.yaml:15: key 'lut.hardEstimator.reseedAfter': expected a whole number from 0"));

        String switchOver = lut + "stages:\n  finetune: {epochs: 4, softEpochs: 1}\n";
        StagesSection.FinetuneSettings finetune = RecipeLoader.parse("r.yaml", switchOver, List.of()).stages().finetune();
        assertEquals(1, finetune.softEpochs());
        assertEquals(List.of(false, false, false, true),
                IntStream.range(0, 4).mapToObj(finetune::trainsSoft).toList());
        assertEquals("r.yaml:17: key 'stages.finetune.softEpochs': expected at most the finetune epochs (4), found 5",
                fails(switchOver.replace("softEpochs: 1", "softEpochs: 5")).getMessage());
    }

    @Test
    void sameRecipeSameDigest() throws Exception {
        assertEquals(RecipeLoader.parse("a.yaml", BASE, List.of()).sha256(),
                RecipeLoader.parse("b.yaml", BASE + "\n# a comment\n", List.of()).sha256());
    }
}
