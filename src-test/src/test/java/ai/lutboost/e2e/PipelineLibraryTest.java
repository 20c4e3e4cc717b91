package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutLinear;
import ai.lutboost.pipeline.Pipeline;
import ai.lutboost.pipeline.PipelineResult;
import ai.lutboost.recipe.DatasetSection;
import ai.lutboost.recipe.LutSection;
import ai.lutboost.recipe.ModelSection;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.recipe.RecipeLoader;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.recipe.TrainSection;
import ai.lutboost.stage.StageResult;
import ai.lutboost.training.TrainOptions;
import ai.lutboost.training.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library use from an ML pipeline: a model built in code (not from the zoo) is trained and
 * converted through the Java API, with no recipe file, and comes back as a LUT model. The README
 * shows this code.
 */
class PipelineLibraryTest {

    @TempDir Path dir;

    static SequentialBlock myModel() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    @Test
    void aModelBuiltInCodeConvertsThroughTheJavaApi() throws Exception {
        StagesSection defaults = StagesSection.defaults();
        Recipe recipe = Recipe.of("my-mlp", 7,
                new DatasetSection("fashion-mnist", 0.1, 6000, 2000),
                ModelSection.custom(),
                RecipeLoader.TRAIN_DEFAULTS,
                LutSection.uniform(LayerSpec.of(4, 16)),
                new StagesSection(
                        new StagesSection.KMeansSettings(1024, 20, 256),
                        new StagesSection.CalibrateSettings(2, 1024, 128, 2e-3),
                        new StagesSection.FinetuneSettings(3, 128, 1e-3, 5e-3, 0, 0.5, 4, 0.1, 0),
                        defaults.freeze()));
        try (PipelineResult result = Pipeline.builder()
                .setRecipe(recipe)
                .optArchitecture(PipelineLibraryTest::myModel, new Shape(1, 1, 28, 28))
                .setOptions(TrainOptions.quiet(dir, null))
                .build()
                .run()) {
            Map<String, AbstractLutBlock> layers = result.model().layers();
            // The first and the last Linear stay dense; the two in the middle become LUT layers.
            assertEquals(2, layers.size(), layers.keySet().toString());
            for (AbstractLutBlock layer : layers.values()) {
                assertTrue(layer instanceof LutLinear);
                int[] f = layer.getTableFractionBits();
                assertNotNull(f, "frozen with a fixed-point table");
                float[] table = layer.getFrozenTable().toFloatArray();
                for (int i = 0; i < table.length; i++) {
                    double q = Math.scalb((double) table[i], f[i % f.length]);
                    assertEquals(Math.rint(q), q, 0.0, "table entry " + i + " is an integer times 2^-f");
                    assertTrue(Math.abs(q) <= 127, "int8 table entry " + q);
                }
            }
            List<String> stages = result.report().stages().stream().map(StageResult::stage).toList();
            assertEquals(Pipeline.STAGES, stages);
            double baseline = result.report().stage("baseline").testAccuracy();
            double frozen = result.report().stage("freeze").testAccuracy();
            // 6,000 images, 10 epochs: about 84 %; the 1-bit LUT model stays within a few points.
            assertTrue(baseline > 0.78, "baseline " + baseline);
            assertTrue(frozen > baseline - 0.04, result.report().table());
            StageResult calibrate = result.report().stage("calibrate");
            StageResult kmeans = result.report().stage("kmeans");
            for (String layer : layers.keySet()) {
                assertTrue(calibrate.reconstructionError().get(layer) < kmeans.reconstructionError().get(layer),
                        "calibration lowers " + layer + "'s reconstruction error");
            }
            assertTrue(Files.isRegularFile(dir.resolve("checkpoints/freeze.ckpt")));
        }
    }

    /**
     * Checks made before the baseline trains: a model built for other images, and a {@code v}
     * that does not divide a layer's input.
     */
    @Test
    void aModelThatDoesNotFitTheDataOrTheRecipeIsRefusedBeforeTraining() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> misfit(LayerSpec.of(4, 16), new Shape(1, 3, 32, 32)).run());
        assertEquals("the model's input shape (1, 3, 32, 32) is not the shape of fashion-mnist's images, (1, 1, 28, 28)",
                shape.getMessage());
        RecipeException v = assertThrows(RecipeException.class,
                () -> misfit(LayerSpec.of(7, 16), new Shape(1, 1, 28, 28)).run());
        assertTrue(v.getMessage().contains("lut: layer 04Linear: v=7 does not divide its input length 128"),
                v.getMessage());
        assertTrue(!Files.exists(dir.resolve("checkpoints")), "nothing trained");
    }

    private Pipeline misfit(LayerSpec spec, Shape inputShape) {
        Recipe recipe = Recipe.of("misfit", 7, new DatasetSection("fashion-mnist", 0.1, 2000, 1000),
                ModelSection.custom(), RecipeLoader.TRAIN_DEFAULTS, LutSection.uniform(spec), StagesSection.defaults());
        return Pipeline.builder().setRecipe(recipe).optArchitecture(PipelineLibraryTest::myModel, inputShape)
                .setOptions(TrainOptions.quiet(dir, null)).build();
    }

    @Test
    void stagesSetToNoEpochsCarryTheKMeansMeasurementsOverWithoutEvaluatingAgain() throws Exception {
        StagesSection defaults = StagesSection.defaults();
        TrainSection oneEpoch = new TrainSection(1, 128, "adam", 1e-3, 0, 0.9, "cosine", 0, 0, 10, 0.1);
        Recipe recipe = Recipe.of("no-epochs", 7,
                new DatasetSection("fashion-mnist", 0.1, 2000, 1000),
                ModelSection.custom(),
                oneEpoch,
                LutSection.uniform(LayerSpec.of(4, 16)),
                new StagesSection(
                        new StagesSection.KMeansSettings(512, 10, 256),
                        new StagesSection.CalibrateSettings(0, 512, 128, 2e-3),
                        new StagesSection.FinetuneSettings(0, 128, 1e-3, 5e-3, 0, 0.5, 4, 0.1, 0),
                        defaults.freeze()));
        List<String> log = new ArrayList<>();
        TrainOptions options = new TrainOptions(dir, null, false, null, null, log::add);
        try (PipelineResult result = Pipeline.builder()
                .setRecipe(recipe)
                .optArchitecture(PipelineLibraryTest::myModel, new Shape(1, 1, 28, 28))
                .setOptions(options)
                .optUntilStage("finetune")
                .build()
                .run()) {
            StageResult kmeans = result.report().stage("kmeans");
            for (String stage : List.of("calibrate", "finetune")) {
                StageResult r = result.report().stage(stage);
                assertEquals(kmeans.testAccuracy(), r.testAccuracy(), 0.0, stage);
                assertEquals(kmeans.validationAccuracy(), r.validationAccuracy(), 0.0, stage);
                assertEquals(kmeans.reconstructionError(), r.reconstructionError(), stage);
                assertTrue(r.history().isEmpty(), stage);
                assertTrue(log.contains("stage " + stage + ": 0 epochs, the model is as stage "
                        + (stage.equals("calibrate") ? "kmeans" : "calibrate")
                        + " left it; its measurements are carried over"), log.toString());
                assertTrue(!log.contains("stage " + stage + " ..."), log.toString());
                // The stage still checkpoints, so --resume and --from-stage find it.
                assertTrue(TrainingCheckpoint.read(dir.resolve("checkpoints/" + stage + ".ckpt")).state().finished(),
                        stage);
            }
        }
    }
}
