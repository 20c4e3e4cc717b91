package ai.lutboost.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.Split;
import ai.lutboost.layer.LutConv2d;
import ai.lutboost.model.ModelZoo;
import ai.lutboost.quant.DatapathPlan;
import ai.lutboost.recipe.LayerSpecResolver;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.stage.CalibrateStage;
import ai.lutboost.stage.CentroidInitStage;
import ai.lutboost.stage.ConvertedModel;
import ai.lutboost.stage.FinetuneStage;
import ai.lutboost.stage.FreezeStage;
import ai.lutboost.stage.Stage;
import ai.lutboost.stage.StageContext;
import ai.lutboost.stage.StageResult;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.BaselineTrainer;
import ai.lutboost.training.CheckpointException;
import ai.lutboost.training.Evaluation;
import ai.lutboost.training.RecipeData;
import ai.lutboost.training.TrainOptions;
import ai.lutboost.training.TrainingCheckpoint;
import ai.lutboost.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs the stages of DESIGN §4 in order — {@code baseline}, {@code kmeans}, {@code calibrate},
 * {@code finetune}, {@code freeze} — on a recipe's model or on a model built in code.
 *
 * <p>After each stage the model is written to {@code checkpoints/<stage>.ckpt} and the report to
 * {@code report.json}, both atomically; stages that train end to end also checkpoint every epoch.
 * With {@code resume}, finished stages are skipped (the newest finished stage's checkpoint is
 * loaded) and an interrupted stage continues from its last epoch. {@code fromStage} re-runs a
 * stage and those after it from the previous stage's checkpoint; {@code untilStage} stops early.
 */
public final class Pipeline {

    /** The stages, in order. */
    public static final List<String> STAGES = List.of("baseline", "kmeans", "calibrate", "finetune", "freeze");

    private final Recipe recipe;
    private final TrainOptions options;
    private final Supplier<Block> architecture;
    private final Shape inputShape;
    private final String fromStage;
    private final String untilStage;
    private final Path baseline;
    private final List<Stage> stages = List.of(
            new CentroidInitStage(), new CalibrateStage(), new FinetuneStage(), new FreezeStage());

    private Pipeline(Builder b) {
        recipe = b.recipe;
        options = b.options;
        fromStage = b.fromStage;
        untilStage = b.untilStage;
        baseline = b.baseline != null ? b.baseline
                : options.outputDir().resolve("checkpoints").resolve(BaselineTrainer.FINAL_NAME + ".ckpt");
        architecture = b.architecture;
        inputShape = b.inputShape;
    }

    /**
     * Runs the pipeline.
     *
     * @return the report and the LUT model, which the caller closes
     * @throws LutBoostException if input is bad (recipe, data, checkpoint) or a stage fails
     */
    public PipelineResult run() throws LutBoostException {
        if (architecture != null) {
            return run(architecture, inputShape);
        }
        DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
        return run(() -> ModelZoo.build(recipe.model(), d), new Shape(1, d.channels(), d.height(), d.width()));
    }

    /** A model built in code must take the dataset's images, or it trains a whole baseline before failing. */
    private void checkInputShape(Shape inputShape) throws LutBoostException {
        DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
        Shape images = new Shape(1, d.channels(), d.height(), d.width());
        if (!inputShape.equals(images)) {
            throw new IllegalArgumentException("the model's input shape " + inputShape + " is not the shape of "
                    + d.name() + "'s images, " + images);
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private PipelineResult run(Supplier<Block> architecture, Shape inputShape) throws LutBoostException {
        int from = STAGES.indexOf(fromStage);
        int until = STAGES.indexOf(untilStage);
        if (until > 0 && !recipe.converts()) {
            throw new RecipeException(recipe.source(), "lut", "a lut section for stages after baseline",
                    "none (this recipe trains a baseline only; run 'lutboost train', or add a lut section)");
        }
        checkInputShape(inputShape);
        if (until > 0) {
            ConvertedModel.checkFits(recipe, architecture, inputShape);
        }
        Path out = options.outputDir();
        Path reportFile = out.resolve(PipelineReport.FILE);
        PipelineReport report = startReport(reportFile, from);
        if (from == 0) {
            report = runBaseline(report, reportFile, architecture);
        } else if (!Files.isRegularFile(baseline)) {
            throw new CheckpointException("baseline checkpoint " + baseline + " not found; train it first with"
                    + " 'lutboost train -r " + recipe.name() + "' (same --output), or pass --baseline FILE");
        }
        if (until == 0) {
            return new PipelineResult(report, reportFile, null);
        }
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        Device device = options.device() != null ? options.device() : Engine.getInstance().defaultDevice();
        ConvertedModel model = ConvertedModel.convert(recipe, architecture, inputShape, device, baseline);
        try {
            report = describeLayers(report, model);
            if (report.stage("baseline") == null) {
                report = report.with(evaluateBaseline(device, architecture, inputShape), STAGES);
            }
            report.write(reportFile);
            StageContext ctx = new StageContext(recipe, options, model, architecture, inputShape, baseline);
            int next = restore(model, report, Math.max(from, 1));
            for (Stage stage : stages) {
                int rank = STAGES.indexOf(stage.name());
                if (rank < next || rank > until) {
                    continue;
                }
                for (String need : stage.requires()) {
                    if (report.stage(need) == null) {
                        throw new CheckpointException("stage " + stage.name() + " needs stage " + need
                                + ", which has not finished in " + out + "; run from it with --from-stage " + need);
                    }
                }
                StageResult previous = lastFinished(report, rank);
                StageResult result;
                if (stage.leavesModelUnchanged(ctx) && previous != null) {
                    options.log().accept("stage " + stage.name() + ": 0 epochs, the model is as stage "
                            + previous.stage() + " left it; its measurements are carried over");
                    result = new StageResult(stage.name(), previous.testAccuracy(), previous.validationAccuracy(),
                            0, previous.reconstructionError(), List.of());
                } else {
                    options.log().accept("stage " + stage.name() + " ...");
                    Engine.getInstance().setRandomSeed((int) (recipe.seed() + rank));
                    result = stage.run(ctx);
                }
                writeStageCheckpoint(model, stage.name(), result);
                report = report.with(result, STAGES);
                report.write(reportFile);
                options.log().accept(String.format(Locale.ROOT, "stage %s done: test accuracy %.2f %% (%.1f s)",
                        stage.name(), 100 * result.testAccuracy(), result.seconds()));
            }
            return new PipelineResult(report, reportFile, model);
        } catch (LutBoostException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static StageResult lastFinished(PipelineReport report, int rank) {
        for (int i = rank - 1; i >= 0; i--) {
            StageResult r = report.stage(STAGES.get(i));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private PipelineReport startReport(Path reportFile, int from) throws LutBoostException {
        PipelineReport fresh = new PipelineReport(recipe.name(), recipe.sha256(), recipe.seed(),
                recipe.dataset().name(), List.of(), List.of(), List.of());
        Path checkpoints = options.outputDir().resolve("checkpoints");
        List<Path> later = conversionCheckpoints(checkpoints, Math.max(from, 1));
        boolean hasReport = Files.isRegularFile(reportFile);
        if (!later.isEmpty() && !hasReport) {
            // The report says which stages finished; a run writes it before its first checkpoint,
            // so checkpoints without one were put there by hand, and neither --resume nor
            // --from-stage can tell which of them to keep.
            throw new CheckpointException(options.outputDir() + " holds checkpoints of a conversion ("
                    + later.get(0).getFileName() + ") but no " + PipelineReport.FILE + ", which records the stages"
                    + " that finished; a run would redo them and overwrite these checkpoints: restore the report"
                    + " (then --resume continues), delete the checkpoints, or choose another --output");
        }
        if (options.resume()) {
            if (!hasReport) {
                return fresh;
            }
            PipelineReport old = PipelineReport.read(reportFile);
            if (!old.recipeSha256().equals(recipe.sha256())) {
                throw new CheckpointException(reportFile + " was written by a different recipe (SHA-256 "
                        + old.recipeSha256() + ", now " + recipe.sha256()
                        + "); resume with the same recipe and --set options, or choose another --output");
            }
            return old;
        }
        if (fromStage.equals("baseline") || !hasReport) {
            if (!later.isEmpty()) {
                throw new CheckpointException(options.outputDir() + " already holds checkpoints of a conversion ("
                        + later.get(0).getFileName() + "); pass --resume to continue it, --from-stage to redo"
                        + " stages, or choose another --output");
            }
            return fresh;
        }
        // --from-stage: the stages from it on are redone, so their checkpoints go first.
        for (Path p : later) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new LutBoostException("cannot delete " + p + ": " + e.getMessage(), e);
            }
        }
        PipelineReport old = PipelineReport.read(reportFile);
        List<StageResult> kept = new ArrayList<>();
        for (StageResult s : old.stages()) {
            if (STAGES.indexOf(s.stage()) < STAGES.indexOf(fromStage)) {
                kept.add(s);
            }
        }
        return new PipelineReport(fresh.recipe(), fresh.recipeSha256(), fresh.seed(), fresh.dataset(), kept,
                List.of(), List.of());
    }

    private static List<Path> conversionCheckpoints(Path dir, int from) throws LutBoostException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = STAGES.subList(from, STAGES.size());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".ckpt") && names.stream().anyMatch(st -> n.equals(st + ".ckpt")
                                || n.startsWith(st + "-epoch-"));
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new LutBoostException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    private PipelineReport runBaseline(PipelineReport report, Path reportFile, Supplier<Block> architecture)
            throws LutBoostException {
        if (options.resume() && report.stage("baseline") != null && Files.isRegularFile(baseline)) {
            options.log().accept("stage baseline: finished, skipped");
            return report;
        }
        options.log().accept("stage baseline ...");
        long start = System.nanoTime();
        TrainingResult t = BaselineTrainer.train(recipe, options, architecture);
        double val = t.history().isEmpty() ? Double.NaN : t.history().get(t.history().size() - 1).validationAccuracy();
        StageResult r = new StageResult("baseline", t.testAccuracy(), val, (System.nanoTime() - start) / 1e9,
                Map.of(), t.history());
        PipelineReport updated = report.with(r, STAGES);
        updated.write(reportFile);
        return updated;
    }

    private StageResult evaluateBaseline(Device device, Supplier<Block> architecture, Shape inputShape)
            throws LutBoostException {
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Block dense = ConvertedModel.loadDense(
                    architecture, inputShape, manager, TrainingCheckpoint.read(baseline));
            double test = Evaluation.accuracy(dense,
                    RecipeData.builder(recipe, options.dataDir(), Split.TEST).setSampling(256, false).build(), manager);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new StageResult("baseline", test, Double.NaN, seconds, Map.of(), List.of());
        }
    }

    private static PipelineReport describeLayers(PipelineReport report, ConvertedModel model) {
        List<LayerReport> layers = new ArrayList<>();
        List<String> dense = new ArrayList<>();
        Map<String, LayerSpecResolver.Resolved> all = model.resolver().all();
        all.forEach((path, r) -> {
            if (r.spec() == null) {
                dense.add(path);
            }
        });
        model.layers().forEach((path, layer) -> layers.add(LayerReport.of(
                path, layerType(model, path), layer, all.get(path).where())));
        return report.withLayers(layers, dense);
    }

    private static String layerType(ConvertedModel model, String path) {
        return model.layers().get(path) instanceof LutConv2d ? "conv2d" : "linear";
    }

    /** Loads the newest finished stage's checkpoint and returns the rank of the next stage to run. */
    private int restore(ConvertedModel model, PipelineReport report, int from) throws LutBoostException {
        int last = 0;
        for (int rank = 1; rank < from; rank++) {
            if (report.stage(STAGES.get(rank)) != null) {
                last = rank;
            }
        }
        if (options.resume()) {
            for (int rank = from; rank < STAGES.size(); rank++) {
                Path ckpt = stageCheckpoint(STAGES.get(rank));
                if (report.stage(STAGES.get(rank)) != null && Files.isRegularFile(ckpt)) {
                    last = rank;
                }
            }
        }
        if (last == 0) {
            return Math.max(from, 1);
        }
        String name = STAGES.get(last);
        if (name.equals("freeze")) {
            model.removeFoldedNorms();
        }
        try {
            model.load(TrainingCheckpoint.read(stageCheckpoint(name)));
        } catch (CheckpointException e) {
            if (!name.equals("freeze")) {
                throw e;
            }
            // Since 2026-11-24 the freeze stage folds a dense conv's batch norm into the conv, so
            // an older freeze checkpoint of such a model no longer fits the structure it leaves.
            String reason = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
            throw new CheckpointException(reason + " If the freeze stage ran before 2026-11-24 on a model"
                    + " with a batch norm after a dense conv (the residual CNN's stem), run it again: --from-stage"
                    + " freeze", e);
        }
        if (name.equals("freeze")) {
            model.setDatapathPlan(readPlan());
        }
        options.log().accept("stages up to " + name + " finished; continuing from " + stageCheckpoint(name));
        return last + 1;
    }

    private Path stageCheckpoint(String stage) {
        return options.outputDir().resolve("checkpoints").resolve(stage + ".ckpt");
    }

    private void writeStageCheckpoint(ConvertedModel model, String stage, StageResult result) throws LutBoostException {
        try {
            if (stage.equals("freeze")) {
                writePlan(model.datapathPlan());
            }
            TrainingCheckpoint.write(options.outputDir().resolve("checkpoints"), stage,
                    new TrainingCheckpoint.State(recipe.sha256(), result.history().size(), true, result.history()),
                    model.block(), new byte[0]);
        } catch (IOException e) {
            throw new LutBoostException("cannot write checkpoint " + stage + ": " + e.getMessage(), e);
        }
    }

    /** Written before the freeze checkpoint, which marks the stage done: a finished freeze has its plan. */
    private void writePlan(DatapathPlan plan) throws IOException, LutBoostException {
        if (plan == null) {
            Files.deleteIfExists(planFile());
        } else {
            AtomicFiles.writeString(planFile(), plan.toJson());
        }
    }

    /** The freeze stage's plan, or {@code null} when it made none (a model with no integer datapath). */
    private DatapathPlan readPlan() throws CheckpointException {
        Path file = planFile();
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return DatapathPlan.fromJson(Files.readString(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage() + "; run the freeze stage again: --from-stage"
                    + " freeze", e);
        }
    }

    private Path planFile() {
        return options.outputDir().resolve("checkpoints").resolve(DatapathPlan.FILE_NAME);
    }

    /** Builds a {@link Pipeline}. */
    public static final class Builder {

        private Recipe recipe;
        private TrainOptions options;
        private Supplier<Block> architecture;
        private Shape inputShape;
        private String fromStage = "baseline";
        private String untilStage = "freeze";
        private Path baseline;

        Builder() {}

        /**
         * Sets the recipe.
         *
         * @param recipe the recipe
         * @return this builder
         */
        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /**
         * Sets where outputs go and how to report.
         *
         * @param options the options
         * @return this builder
         */
        public Builder setOptions(TrainOptions options) {
            this.options = options;
            return this;
        }

        /**
         * Uses a model built in code instead of the recipe's zoo model.
         *
         * @param architecture builds the uninitialized model, the same every time
         * @param inputShape one input's shape, batch 1
         * @return this builder
         */
        public Builder optArchitecture(Supplier<Block> architecture, Shape inputShape) {
            this.architecture = architecture;
            this.inputShape = inputShape;
            return this;
        }

        /**
         * Starts at a stage, from the previous stage's checkpoint; {@code baseline} by default.
         *
         * @param stage the stage's name
         * @return this builder
         */
        public Builder optFromStage(String stage) {
            this.fromStage = stage;
            return this;
        }

        /**
         * Stops after a stage; {@code freeze} by default.
         *
         * @param stage the stage's name
         * @return this builder
         */
        public Builder optUntilStage(String stage) {
            this.untilStage = stage;
            return this;
        }

        /**
         * Reads the baseline from a checkpoint instead of {@code <output>/checkpoints/baseline.ckpt}
         * (with a start after stage 0).
         *
         * @param checkpoint the baseline checkpoint
         * @return this builder
         */
        public Builder optBaseline(Path checkpoint) {
            this.baseline = checkpoint;
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @return the pipeline
         * @throws IllegalArgumentException if the recipe or options are missing or a stage name is unknown
         */
        public Pipeline build() {
            if (recipe == null || options == null) {
                throw new IllegalArgumentException("a pipeline needs a recipe and options");
            }
            for (String s : new String[] {fromStage, untilStage}) {
                if (!STAGES.contains(s)) {
                    throw new IllegalArgumentException("unknown stage '" + s + "', expected one of " + STAGES);
                }
            }
            if (STAGES.indexOf(fromStage) > STAGES.indexOf(untilStage)) {
                throw new IllegalArgumentException(
                        "--from-stage " + fromStage + " comes after --until-stage " + untilStage);
            }
            if (architecture != null && inputShape == null) {
                throw new IllegalArgumentException("a model built in code needs its input shape");
            }
            return new Pipeline(this);
        }
    }
}
