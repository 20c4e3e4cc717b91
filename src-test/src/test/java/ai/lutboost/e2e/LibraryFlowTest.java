package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.lutboost.api.Conversion;
import ai.lutboost.api.LutBoost;
import ai.lutboost.datasets.DatasetLoader;
import ai.lutboost.datasets.DatasetLocator;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.BundleVerifier;
import ai.lutboost.model.NamedSequentialBlock;
import ai.lutboost.recipe.DatasetSection;
import ai.lutboost.recipe.LutSection;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.StagesSection;
import ai.lutboost.recipe.TrainSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library flow a pipeline runs, as the README shows it (the lines between the markers): a
 * CNN of its own, trained on 6,000 Fashion-MNIST images, converted at 1 bit per activation,
 * exported, verified, and run in the engine from pixels.
 */
class LibraryFlowTest {

    @TempDir Path dir;

    // README: begin
    static Block myCnn() {
        return new NamedSequentialBlock() // layer names for recipes and reports
                .add("conv1", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(8).build())
                .add("bn1", BatchNorm.builder().build())
                .add("relu1", Activation.reluBlock())
                .add("pool1", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("conv2", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build())
                .add("relu2", Activation.reluBlock())
                .add("pool2", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc1", Linear.builder().setUnits(64).build())
                .add("relu3", Activation.reluBlock())
                .add("fc2", Linear.builder().setUnits(10).build());
    }

    /** Every line of the README's library example is a line of this test, so the README cannot rot. */
    @Test
    void theReadmeQuotesThisTest() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf("```java\nstatic Block myCnn()");
        assertTrue(from >= 0, "the README's library example starts with myCnn()");
        String example = readme.substring(from + 8, readme.indexOf("```", from + 8));
        Set<String> ours = Files.readAllLines(Path.of("src/test/java/ai/lutboost/e2e/LibraryFlowTest.java")).stream()
                .map(LibraryFlowTest::code).collect(Collectors.toSet());
        int lines = 0;
        for (String line : example.split("\n")) {
            String code = code(line);
            if (!code.isEmpty() && !code.equals("}")) {
                assertTrue(ours.contains(code), "README line not in LibraryFlowTest: " + line);
                lines++;
            }
        }
        assertTrue(lines >= 25 && lines <= 40, lines + " lines of user code");
    }

    /** A line without its comment and indentation. */
    private static String code(String line) {
        int comment = line.indexOf("//");
        return (comment >= 0 ? line.substring(0, comment) : line).strip();
    }

    @Test
    void ownModelConvertExportVerifyAndRunInTheEngine() throws Exception {
        Recipe recipe = Recipe.builder("my-cnn")
                .optDataset(DatasetSection.builder("fashion-mnist").optTrainLimit(6000).optTestLimit(1000).build())
                .optTrain(TrainSection.builder().optEpochs(4).optLearningRate(3e-3).build())
                .optLut(LutSection.builder().optV(4).optK(16).build())        // 1 bit per activation
                .optStages(StagesSection.builder().optKMeansSamples(1024).optCalibrateEpochs(1)
                        .optFinetuneEpochs(1).optFreezeEpochs(0).build())
                .build();
        try (Conversion conversion = LutBoost.convert(LibraryFlowTest::myCnn, new Shape(1, 1, 28, 28), recipe, dir)) {
            Path bundle = conversion.export(dir.resolve("bundle"));
            BundleVerifier.Result check = conversion.verify(bundle);   // engine vs simulation, every logit
            LutModel engine = LutModel.load(bundle);                   // plain Java, thread-safe
            float[] pixels = new float[784];                           // one image, values 0 to 255
            int label = LutModel.argmax(engine.predictImages(new float[][] {pixels}, 1)[0]);
            // README: end
            assertEquals(1000, check.samples());
            assertEquals(check.samples(), check.identical(), "engine = simulation: " + check.firstMismatch());
            assertEquals(check.goldenSamples(), check.goldenIdentical());
            double baseline = conversion.report().stage("baseline").testAccuracy();
            assertTrue(baseline > 0.80, "baseline " + baseline);
            assertTrue(check.engineAccuracy() > baseline - 0.05, check.engineAccuracy() + " against " + baseline);
            assertEquals(2, conversion.report().layers().size(), "conv2 and fc1 convert; conv1 and fc2 stay dense");
            assertTrue(label >= 0 && label < 10);
            // Pixels in, normalized as in training: the engine's classes on the test images match verify's.
            LabeledImages test = DatasetLoader.read(Datasets.FASHION_MNIST,
                    DatasetLocator.system().locate(Datasets.FASHION_MNIST, null).directory(), true);
            float[][] images = new float[100][784];
            int[][] quantized = new int[100][];
            for (int i = 0; i < 100; i++) {
                for (int p = 0; p < 784; p++) {
                    images[i][p] = test.pixels()[i * 784 + p] & 0xff;
                }
                quantized[i] = engine.quantize(ImageClassificationDataset.normalized(test, Datasets.FASHION_MNIST, i));
            }
            assertArrayEquals(engine.predict(quantized, 2), engine.predictImages(images, 2));
            for (int i = 0; i < 100; i++) {
                assertEquals(check.engineClasses()[i], LutModel.argmax(engine.predictImages(images, 1)[i]));
            }
        }
    }
}
