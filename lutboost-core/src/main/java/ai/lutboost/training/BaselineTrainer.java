package ai.lutboost.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.loss.Loss;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.SeededRandomSampler;
import ai.lutboost.datasets.Split;
import ai.lutboost.model.ModelZoo;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.TrainSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Trains a recipe's baseline model: stage 0 of the pipeline.
 *
 * <p>Every epoch ends with an atomic checkpoint; a run started with {@code resume} continues from
 * the newest one with the same parameters, optimizer state and data order as an uninterrupted
 * run. Results go to {@code outputDir}: {@code recipe.resolved.yaml}, {@code checkpoints/} and
 * {@code metrics.json}.
 */
public final class BaselineTrainer {

    /** The name prefix of per-epoch checkpoints. */
    public static final String EPOCH_PREFIX = "baseline-epoch-";
    /** The name of the final baseline checkpoint, which later stages read. */
    public static final String FINAL_NAME = "baseline";

    private BaselineTrainer() {}

    /**
     * Trains, or resumes, a baseline.
     *
     * @param recipe the recipe
     * @param options where outputs go and how to report
     * @return the result, with test accuracy
     * @throws LutBoostException if data, recipe or checkpoint are bad, or training diverges
     */
    public static TrainingResult train(Recipe recipe, TrainOptions options) throws LutBoostException {
        DatasetDescriptor descriptor = Datasets.byName(recipe.dataset().name());
        return train(recipe, options, () -> ModelZoo.build(recipe.model(), descriptor));
    }

    /**
     * Trains, or resumes, a baseline of a given architecture instead of the recipe's zoo model.
     *
     * @param recipe the recipe; its model section is not used
     * @param options where outputs go and how to report
     * @param architecture builds the model, uninitialized, the same every time
     * @return the result, with test accuracy
     * @throws LutBoostException if data, recipe or checkpoint are bad, or training diverges
     */
    public static TrainingResult train(Recipe recipe, TrainOptions options, Supplier<Block> architecture)
            throws LutBoostException {
        DatasetDescriptor descriptor = Datasets.byName(recipe.dataset().name());
        TrainSection cfg = recipe.train();
        Path out = options.outputDir();
        Path checkpointDir = out.resolve("checkpoints");
        Optional<TrainingCheckpoint.Loaded> resumed = findResume(recipe, options, checkpointDir);

        SeededRandomSampler order = new SeededRandomSampler(recipe.seed());
        ImageClassificationDataset train = RecipeData.builder(recipe, options.dataDir(), Split.TRAIN)
                .setSampling(new BatchSampler(order, cfg.batchSize(), false))
                .build();
        ImageClassificationDataset validation = recipe.dataset().validationFraction() > 0
                ? RecipeData.builder(recipe, options.dataDir(), Split.VALIDATION).setSampling(256, false).build()
                : null;
        ImageClassificationDataset test = RecipeData.builder(recipe, options.dataDir(), Split.TEST)
                .setSampling(256, false)
                .build();
        // Written only once the data has loaded, so that bad input leaves no output behind.
        writeResolvedRecipe(recipe, out);
        int stepsPerEpoch = (int) ((train.size() + cfg.batchSize() - 1) / cfg.batchSize());

        Device device = options.device() != null ? options.device() : Engine.getInstance().defaultDevice();
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        Block block = architecture.get();
        ResumableOptimizer optimizer = new ResumableOptimizer(
                ResumableOptimizer.Kind.valueOf(cfg.optimizer().toUpperCase(Locale.ROOT)),
                LearningRateSchedule.of(cfg, stepsPerEpoch),
                (float) cfg.weightDecay(),
                (float) cfg.momentum());
        try (Model model = Model.newInstance(recipe.name(), device)) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            Shape inputShape = new Shape(1, descriptor.channels(), descriptor.height(), descriptor.width());
            // Parameters are loaded before the trainer first reads them, so that it trains the
            // loaded arrays and not the ones they replace.
            block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
            if (resumed.isPresent()) {
                resumed.get().loadInto(model.getNDManager(), block);
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputShape);
                TrainingCheckpoint.State state = null;
                if (resumed.isPresent()) {
                    TrainingCheckpoint.Loaded ckpt = resumed.get();
                    try {
                        optimizer.loadState(ckpt.optimizer(), block.getParameters());
                    } catch (IOException e) {
                        throw new CheckpointException(
                                ckpt.file() + ": optimizer state is malformed: " + e.getMessage(), e);
                    }
                    state = ckpt.state();
                    options.log().accept(
                            "resuming " + recipe.name() + " " + ckpt.state().position() + " from " + ckpt.file());
                }
                TrainingDriver.Checkpoints checkpoints = new TrainingDriver.Checkpoints(checkpointDir, EPOCH_PREFIX,
                        recipe.sha256(), block, optimizer);
                TrainingDriver.Epochs epochs = new TrainingDriver.Epochs("baseline", cfg.epochs(), stepsPerEpoch, order,
                        TrainingLoop.Batches.of(train), LearningRateSchedule.of(cfg, stepsPerEpoch), null);
                List<EpochMetrics> history = TrainingDriver.run(epochs, trainer, checkpoints, state, options,
                        () -> validation == null ? Double.NaN
                                : Evaluation.accuracy(block, validation, trainer.getManager()));
                Path finalCkpt = checkpoints.write(FINAL_NAME,
                        new TrainingCheckpoint.State(recipe.sha256(), cfg.epochs(), true, history));
                double testAcc = Evaluation.accuracy(block, test, trainer.getManager());
                long params = ModelZoo.trainableParameters(block);
                double seconds = history.stream().mapToDouble(EpochMetrics::seconds).sum();
                Path metrics = out.resolve("metrics.json");
                TrainingResult result = new TrainingResult(recipe.name(), recipe.sha256(), history,
                        testAcc, test.size(), params, seconds, finalCkpt, metrics);
                writeMetrics(result, recipe, metrics);
                return result;
            }
        }
    }

    private static Optional<TrainingCheckpoint.Loaded> findResume(
            Recipe recipe, TrainOptions options, Path checkpoints) throws LutBoostException {
        if (!options.resume()) {
            boolean earlier;
            try {
                earlier = TrainingCheckpoint.latest(checkpoints, EPOCH_PREFIX).isPresent();
            } catch (IOException e) {
                throw new LutBoostException("cannot list checkpoints in " + checkpoints + ": " + e.getMessage(), e);
            }
            if (earlier) {
                throw new CheckpointException(
                        options.outputDir() + " already holds checkpoints of a run; pass --resume to"
                                + " continue it, or choose another --output");
            }
            return Optional.empty();
        }
        Optional<TrainingCheckpoint.Loaded> ckpt = TrainingCheckpoint.resumable(checkpoints, EPOCH_PREFIX,
                recipe.sha256());
        if (ckpt.isEmpty()) {
            options.log().accept("no checkpoint in " + checkpoints + "; starting from scratch");
        }
        return ckpt;
    }

    private static void writeResolvedRecipe(Recipe recipe, Path out) throws LutBoostException {
        AtomicFiles.writeString(out.resolve("recipe.resolved.yaml"),
                "# source: " + recipe.source() + "\n# sha256: " + recipe.sha256() + "\n" + recipe.resolvedYaml());
    }

    private static void writeMetrics(TrainingResult result, Recipe recipe, Path file) throws LutBoostException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("recipe", recipe.name());
        json.put("recipeSha256", recipe.sha256());
        json.put("seed", recipe.seed());
        json.put("dataset", recipe.dataset().name());
        json.put("arch", recipe.model().arch());
        json.put("parameters", result.parameterCount());
        json.put("testAccuracy", result.testAccuracy());
        json.put("testSamples", result.testSamples());
        json.put("trainSeconds", result.totalSeconds());
        json.put("epochs", result.history());
        AtomicFiles.writeString(file, ReportJson.GSON.toJson(json));
    }
}
