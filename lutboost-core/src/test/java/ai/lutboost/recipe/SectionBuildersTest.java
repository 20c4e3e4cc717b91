package ai.lutboost.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Section builders follow the recipe file's rules, and name the builder and the key they break. */
class SectionBuildersTest {

    @Test
    void builtSectionsEqualTheSameSettingsReadFromAFile() throws RecipeException {
        Recipe file = RecipeLoader.parse("r.yaml", """
                name: r
                dataset: {name: fashion-mnist, trainLimit: 6000}
                model: {arch: lenet5}
                train: {epochs: 3, optimizer: adamw}
                lut: {defaults: {v: 8, k: 256, estimator: hard}, byName: {fc1: {k: 64}}}
                stages: {finetune: {epochs: 2, distillation: 1.0}}
                """, List.of());
        assertEquals(file.dataset(), DatasetSection.builder("fashion-mnist").optTrainLimit(6000).build());
        assertEquals(file.train(), TrainSection.builder().optEpochs(3).optOptimizer("adamw").build());
        assertEquals(file.lut().defaults(), LutSection.builder().optV(8).optK(256).optEstimator("hard")
                .optSetting("byName.fc1.k", 64).build().defaults());
        assertEquals(file.lut().byName().get("fc1").k(), LutSection.builder().optSetting("byName.fc1.k", 64).build()
                .byName().get("fc1").k());
        assertEquals(file.stages(), StagesSection.builder().optFinetuneEpochs(2).optDistillation(1.0).build());
    }

    @Test
    void badSettingsNameTheBuilderAndTheKey() {
        refused("TrainSection.builder(): key 'train.epochs': expected a whole number from 1 to 10000, found 0",
                () -> TrainSection.builder().optEpochs(0).build());
        refused("TrainSection.builder(): key 'train.epochs': expected a whole number from 1 to 10000, found -3",
                () -> TrainSection.builder().optEpochs(-3).build());
        refused("DatasetSection.builder(): key 'dataset.trainLimit': expected a whole number from 0 to 2147483647,"
                + " found -5", () -> DatasetSection.builder("fashion-mnist").optTrainLimit(-5).build());
        refused("TrainSection.builder(): key 'train.optimizer': expected one of adam, adamw, sgd, found 'adamm'",
                () -> TrainSection.builder().optOptimizer("adamm").build());
        refused("LutSection.builder(): key 'lut.defaults.k': expected a power of two from 2 to 65536 (a centroid"
                + " index takes log2(K) bits on the datapath), found 12", () -> LutSection.builder().optK(12).build());
        refused("StagesSection.builder(): key 'stages.finetune.softEpochs': expected at most the finetune epochs (2),"
                + " found 3", () -> StagesSection.builder().optFinetuneEpochs(2).optSoftEpochs(3).build());
        refused("StagesSection.builder(): key 'stages.finetune.learningRates': expected one of the known keys of"
                + " 'stages.finetune' [batchSize, distillation, distillationTemperature, epochs, learningRate,"
                + " reconstruction, softEpochs, temperatureLearningRate, weightDecay], found an unknown key"
                + " 'learningRates'", () -> StagesSection.builder().optSetting("finetune.learningRates", 1).build());
        refused("Recipe.builder(): key 'name': expected a run name of letters, digits, '.', '_' or '-', found 'a b'",
                () -> Recipe.builder("a b").build());
    }

    private static void refused(String message, Executable build) {
        assertEquals(message, assertThrows(RecipeException.class, build).getMessage());
    }
}
