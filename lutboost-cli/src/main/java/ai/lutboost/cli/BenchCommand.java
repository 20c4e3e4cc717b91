package ai.lutboost.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import ai.lutboost.bench.EngineBenchmark;
import ai.lutboost.bench.KMeansComparison;
import ai.lutboost.bench.StepTiming;
import ai.lutboost.bench.TrainStepBenchmark.Candidate;
import ai.lutboost.bench.TrainStepBenchmark;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.DatasetLoader;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.ImageClassificationDataset;
import ai.lutboost.datasets.LabeledImages;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.layer.Estimator;
import ai.lutboost.layer.LayerNames;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutConv2d;
import ai.lutboost.layer.LutLinear;
import ai.lutboost.layer.Metric;
import ai.lutboost.model.ModelZoo;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeLoader;
import ai.lutboost.training.CheckpointException;
import ai.lutboost.training.TrainingCheckpoint;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lutboost bench}: LUT layers and k-means against their references, in one process. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Measure LUT layers against DJL's dense layers, and k-means against commons-math3.",
        description = "Training steps (forward, backward, SGD update) of LutLinear vs Linear at D=N=512, "
                + "batch 128, and of LutConv2d vs Conv2d on LeNet-5's second conv (batch 128), with the soft and the "
                + "hard estimator, frozen to its table, the hard step under each metric, and one ViT-tiny LUT layer "
                + "with both estimators and their peak memory, interleaved in one process; resident memory over many "
                + "LutLinear steps; "
                + "the Java engine against DJL float32: a bundle (--bundle) against its float baseline, and one LUT "
                + "layer (D=N=512, v=4, K=16, batch 64) under each metric against a Linear, on one thread and on all; "
                + "batched k-means vs commons-math3's KMeansPlusPlusClusterer on LeNet-5 activations (needs a trained "
                + "quickstart baseline: run './lutboost run' first, or pass --baseline).")
final class BenchCommand extends BaseCommand {

    /** What {@code --skip} can name, in the order the parts run. */
    private static final List<String> PARTS =
            List.of("linear", "conv", "frozen", "metrics", "vit", "memory", "kmeans", "engine-model", "engine-layer");

    /** The input of LeNet-5's second convolution at batch 128. */
    private static final Shape CONV2_INPUT = new Shape(128, 6, 14, 14);

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200",
            description = "Measured steps per layer (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20",
            description = "Unmeasured steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--engine-batches", paramLabel = "N", defaultValue = "1000",
            description = "Measured batches of the engine's single LUT layer and of DJL's Linear, taken in turns of"
                    + " 100 (default: ${DEFAULT-VALUE}).")
    int engineBatches;

    @Option(names = "--memory-steps", paramLabel = "N", defaultValue = "1000",
            description = "LutLinear steps for the memory check (default: ${DEFAULT-VALUE}).")
    int memorySteps;

    @Option(names = "--linear-v", paramLabel = "V", defaultValue = "4",
            description = "v of the LutLinear (default: ${DEFAULT-VALUE}).")
    int linearV;

    @Option(names = "--linear-k", paramLabel = "K", defaultValue = "16",
            description = "K of the LutLinear (default: ${DEFAULT-VALUE}).")
    int linearK;

    @Option(names = "--conv-v", paramLabel = "V", defaultValue = "5",
            description = "v of the LutConv2d; must divide 150 (default: ${DEFAULT-VALUE}).")
    int convV;

    @Option(names = "--conv-k", paramLabel = "K", defaultValue = "16",
            description = "K of the LutConv2d (default: ${DEFAULT-VALUE}).")
    int convK;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "l2",
            description = "Distance of both LUT layers: l2, l1 or chebyshev (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--kmeans-samples", paramLabel = "N", defaultValue = "50000",
            description = "Training images whose activations k-means clusters (default: ${DEFAULT-VALUE}).")
    int kmeansSamples;

    @Option(names = "--baseline", paramLabel = "CKPT", defaultValue = "runs/quickstart/checkpoints/baseline.ckpt",
            description = "LeNet-5 baseline checkpoint for the k-means activations (default: ${DEFAULT-VALUE}).")
    Path baseline;

    @Option(names = "--bundle", paramLabel = "PATH", defaultValue = "runs/quickstart/bundle",
            description = "LeNet-5 bundle whose engine speed is compared with the --baseline float model"
                    + " (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--engine-threads", paramLabel = "N", description = "Engine threads (default: the processors).")
    Integer engineThreads;

    @Option(names = "--skip", split = ",", paramLabel = "PART", completionCandidates = PartNames.class,
            description = "Parts to skip: ${COMPLETION-CANDIDATES} (comma-separated).")
    List<String> skip = new ArrayList<>();

    /** The help text's list of parts, so that it is written once, in {@link #PARTS}. */
    static final class PartNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return PARTS.iterator();
        }
    }

    @Override
    protected int doCall() throws Exception {
        Metric distance = Metric.parse(metric);
        checkOptions();
        int threads = BundleOptions.threads("--engine-threads", engineThreads);
        String name = distance.name().toLowerCase(Locale.ROOT);
        if (!skip.contains("linear")) {
            StepTiming[] t = TrainStepBenchmark.compare(List.of(
                    Candidate.of("Linear", Linear.builder().setUnits(512).build()),
                    Candidate.of("soft", lutLinear(distance, Estimator.SOFT)),
                    Candidate.of("hard", lutLinear(distance, Estimator.HARD))), new Shape(128, 512), warmup, steps, null);
            report(t, "LutLinear, D=N=512, batch 128, v=" + linearV + ", K=" + linearK + ", " + name);
            reportSoftAssignment(t[0], 512 / linearV, 128, linearK, linearV);
        }
        if (!skip.contains("conv")) {
            StepTiming[] t = TrainStepBenchmark.compare(List.of(
                    Candidate.of("Conv2d", denseConv2()),
                    Candidate.of("soft", lutConv2(distance, Estimator.SOFT)),
                    Candidate.of("hard", lutConv2(distance, Estimator.HARD))), CONV2_INPUT, warmup, steps, null);
            report(t, "LutConv2d, LeNet-5 conv2: 6x14x14 -> 16x10x10, 5x5, batch 128, v=" + convV + ", K=" + convK
                    + ", " + name);
            reportSoftAssignment(t[0], 150 / convV, 128 * 10 * 10, convK, convV);
        }
        if (!skip.contains("frozen")) {
            // Stage 4 trains around frozen tables: the lookup replaces the dense product, while
            // the assignment and its soft straight-through gradient to the centroids stay.
            LutConv2d lut = lutConv2(distance, Estimator.SOFT);
            StepTiming[] t = TrainStepBenchmark.compare(List.of(Candidate.of("Conv2d", denseConv2()),
                    new Candidate("frozen", lut, () -> lut.freezeTable(lut.computeTable()))),
                    CONV2_INPUT, warmup, steps, null);
            report(t, "LeNet-5 conv2 frozen to its table, straight-through, batch 128, v=" + convV + ", K=" + convK
                    + ", " + name);
        }
        if (!skip.contains("metrics")) {
            List<Candidate> linear = new ArrayList<>(List.of(Candidate.of("Linear", Linear.builder().setUnits(512).build())));
            List<Candidate> conv = new ArrayList<>(List.of(Candidate.of("Conv2d", denseConv2())));
            for (Metric m : Metric.values()) {
                linear.add(Candidate.of("hard " + m.name().toLowerCase(Locale.ROOT), lutLinear(m, Estimator.HARD)));
                conv.add(Candidate.of("hard " + m.name().toLowerCase(Locale.ROOT), lutConv2(m, Estimator.HARD)));
            }
            reportMetrics(TrainStepBenchmark.compare(linear, new Shape(128, 512), warmup, steps, null),
                    "LutLinear, D=N=512, batch 128, v=" + linearV + ", K=" + linearK);
            reportMetrics(TrainStepBenchmark.compare(conv, CONV2_INPUT, warmup, steps, null),
                    "LutConv2d, LeNet-5 conv2, batch 128, v=" + convV + ", K=" + convK);
        }
        if (!skip.contains("vit")) {
            vitLayer(distance);
        }
        if (!skip.contains("memory")) {
            long[] rss = TrainStepBenchmark.residentMemory(
                    LutLinear.builder().setName("bench").setUnits(512).setSpec(LayerSpec.of(linearV, linearK)).build(),
                    new Shape(128, 512), memorySteps);
            out().printf(Locale.ROOT, "memory: LutLinear, %d training steps: RSS %.1f MB after step 1,"
                    + " %.1f MB after step %d, %.1f MB at the end%n",
                    memorySteps, rss[0] / 1024.0, rss[1] / 1024.0, memorySteps / 10, rss[2] / 1024.0);
            if (!ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch")) {
                // The JVM touches heap pages for the first time as garbage piles up between
                // collections, which raises RSS until the heap stops growing: not a native leak.
                out().println("  (RSS includes Java heap pages touched for the first time; for the native"
                        + " memory alone run with LUTBOOST_JAVA_OPTS=\"-Xms256m -Xmx256m -XX:+AlwaysPreTouch\")");
            }
            out().flush();
        }
        if (!skip.contains("kmeans")) {
            kmeans();
        }
        if (!skip.contains("engine-layer") || !skip.contains("engine-model")) {
            out().println("engine LUT loops: " + LutModel.lutLoops());
        }
        // The whole bundle runs before the single layers: a process that has run LUT layers of all
        // three metrics leaves C2's compiled vector search slower for the next ones (measured in
        // docs/measurements.md), while a pipeline loads one bundle.
        if (!skip.contains("engine-model")) {
            engineModel(threads);
        }
        if (!skip.contains("engine-layer")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                for (Metric m : Metric.values()) {
                    for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
                        EngineBenchmark.Timing e =
                                EngineBenchmark.lutLayerVsLinear(512, 512, 4, 16, m, 64, t, engineBatches, manager);
                        out().printf(Locale.ROOT, "engine LUT layer %-9s (%d thread%s) %8.3f ms/batch, DJL float32"
                                + " Linear %8.3f ms/batch: engine/DJL time %.2fx  [D=N=512, v=4, K=16, batch 64, median"
                                + " of %d]%n", m.name().toLowerCase(Locale.ROOT), t, t == 1 ? "" : "s",
                                e.engineMillis(), e.djlMillis(), e.ratio(), e.rounds());
                    }
                }
                out().flush();
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Rejects what would otherwise fail deep inside a part or, for a misspelt part, silently
     * measure it anyway.
     */
    private void checkOptions() {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--steps must be at least 1 and --warmup at least 0, got " + steps
                    + " and " + warmup);
        }
        if (engineBatches < 1) {
            throw new IllegalArgumentException("--engine-batches must be at least 1, got " + engineBatches);
        }
        if (memorySteps < 10) {
            // The memory part reads RSS after a tenth of its steps as well as at the end.
            throw new IllegalArgumentException("--memory-steps must be at least 10, got " + memorySteps);
        }
        for (String part : skip) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("--skip: unknown part '" + part + "', expected some of "
                        + String.join(", ", PARTS));
            }
        }
        if (skip.containsAll(PARTS)) {
            throw new IllegalArgumentException("--skip names every part: nothing to measure");
        }
    }

    /** LeNet-5's second convolution, dense. */
    private static Block denseConv2() {
        return Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build();
    }

    /** LeNet-5's second convolution as a LUT layer with the bench's conv spec. */
    private LutConv2d lutConv2(Metric distance, Estimator estimator) {
        return LutConv2d.builder().setName("conv2").setFilters(16).setKernelShape(new Shape(5, 5))
                .setSpec(new LayerSpec(convV, convK, distance, 8, false, estimator)).build();
    }

    /** The bench's D=N=512 LUT linear layer. */
    private LutLinear lutLinear(Metric distance, Estimator estimator) {
        return LutLinear.builder().setName("bench").setUnits(512)
                .setSpec(new LayerSpec(linearV, linearK, distance, 8, false, estimator)).build();
    }

    /**
     * One ViT-tiny LUT layer (the MLP's first linear, 64 -> 128, on 50 tokens of 128 images, v=8,
     * K=256): the peak resident memory of each estimator over the measured number of steps, the
     * hard one first, then step times of both against the dense layer.
     */
    private void vitLayer(Metric distance) {
        Shape tokens = new Shape(128, 50, 64);
        // Before any other step of this part: the allocator keeps freed memory, so a peak
        // measured after the soft steps would include what they left.
        long hard = TrainStepBenchmark.peakMemory(vitLutLayer(distance, Estimator.HARD), tokens, steps);
        long soft = TrainStepBenchmark.peakMemory(vitLutLayer(distance, Estimator.SOFT), tokens, steps);
        StepTiming[] t = TrainStepBenchmark.compare(List.of(
                Candidate.of("Linear", Linear.builder().setUnits(128).build()),
                Candidate.of("soft", vitLutLayer(distance, Estimator.SOFT)),
                Candidate.of("hard", vitLutLayer(distance, Estimator.HARD))), tokens, warmup, steps, null);
        report(t, "ViT-tiny MLP layer 64 -> 128, 128 images x 50 tokens, v=8, K=256, " + distance.name()
                .toLowerCase(Locale.ROOT));
        if (hard < 0 || soft < 0) {
            out().println("  peak memory: not measured (this kernel cannot reset a process's peak resident memory)");
        } else {
            out().printf(Locale.ROOT, "  peak resident memory over %d steps: hard %.1f MB, soft %.1f MB (%.2fx)%n",
                    steps, hard / 1024.0, soft / 1024.0, hard / (double) soft);
        }
        out().flush();
    }

    private static LutLinear vitLutLayer(Metric distance, Estimator estimator) {
        return LutLinear.builder().setName("vit").setUnits(128)
                .setSpec(new LayerSpec(8, 256, distance, 8, false, estimator)).build();
    }

    private void report(StepTiming[] t, String what) {
        for (StepTiming timing : t) {
            out().printf(Locale.ROOT, "%-10s %8.3f ms/step (median of %d; mean %.3f)%n",
                    timing.name(), timing.medianMillis(), timing.steps(), timing.meanMillis());
        }
        for (int i = 1; i < t.length; i++) {
            out().printf(Locale.ROOT, "  ratio %s/%s = %.2fx  [%s]%n",
                    t[i].name(), t[0].name(), t[i].medianMillis() / t[0].medianMillis(), what);
        }
        out().flush();
    }

    /** Prints hard steps of the three metrics against the dense step and against L2's. */
    private void reportMetrics(StepTiming[] t, String what) {
        report(t, what);
        for (int i = 2; i < t.length; i++) {
            out().printf(Locale.ROOT, "  ratio %s/%s = %.2fx  [%s]%n",
                    t[i].name(), t[1].name(), t[i].medianMillis() / t[1].medianMillis(), what);
        }
        out().flush();
    }

    /**
     * Prints the soft-assignment floor of a soft LUT step against the dense step: no soft
     * straight-through formulation on these kernels can be faster.
     */
    private void reportSoftAssignment(StepTiming dense, long codebooks, long rows, long k, long v) {
        StepTiming soft = TrainStepBenchmark.softAssignment(codebooks, rows, k, v, warmup, steps);
        out().printf(Locale.ROOT, "  soft assignment alone %8.3f ms (softmax over [%d, %d, %d] scores and the"
                + " centroid mix, forward and backward) = %.2fx the %s step%n",
                soft.medianMillis(), codebooks, rows, k, soft.medianMillis() / dense.medianMillis(), dense.name());
        out().flush();
    }

    /**
     * The bundle against the float baseline of the same network: the model is the zoo's, built from
     * the recipe the bundle's manifest records, with the baseline's parameters.
     */
    private void engineModel(int threads) throws Exception {
        if (!Files.isRegularFile(baseline) || !Files.exists(bundle)) {
            throw new CheckpointException("engine benchmark: needs a bundle " + bundle + " and the baseline "
                    + baseline + " of its recipe; run './lutboost run' first, pass --baseline and --bundle, or --skip"
                    + " engine-model");
        }
        LutModel engine = LutModel.load(bundle);
        Recipe recipe = RecipeLoader.parse(bundle + " (manifest recipe)", manifestRecipe(engine), List.of());
        DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block dense = ModelZoo.build(recipe.model(), d);
            dense.initialize(manager, DataType.FLOAT32, new Shape(1, d.channels(), d.height(), d.width()));
            TrainingCheckpoint.read(baseline).loadInto(manager, dense);
            LabeledImages test = DatasetLoader.find(d, null, true);
            int n = Math.min(2000, test.count());
            NDArray images = BundleExporter.images(manager, d, test, 0, n);
            int[][] inputs = new int[n][];
            for (int i = 0; i < n; i++) {
                inputs[i] = engine.quantize(ImageClassificationDataset.normalized(test, d, i));
            }
            int rounds = Math.max(5, steps / 20);
            for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
                EngineBenchmark.Timing r = EngineBenchmark.modelThroughput(engine, inputs, dense, images, 256, t, rounds);
                out().printf(Locale.ROOT, "engine %s (%d thread%s): %.0f samples/s; DJL float32 %s baseline: %.0f"
                        + " samples/s; engine/DJL time %.2fx  [%d test images in batches of 256, median of %d"
                        + " passes]%n", bundle, t, t == 1 ? "" : "s", n / (r.engineMillis() / 1e3), recipe.model().arch(),
                        n / (r.djlMillis() / 1e3), r.ratio(), n, rounds);
                out().flush();
            }
        }
    }

    private static String manifestRecipe(LutModel engine) throws CheckpointException {
        if (engine.provenance().get("recipe") instanceof Map<?, ?> m && m.get("yaml") instanceof String yaml) {
            return yaml;
        }
        throw new CheckpointException("engine benchmark: the bundle's manifest records no recipe to build its float"
                + " model from");
    }

    private void kmeans() throws Exception {
        if (!Files.isRegularFile(baseline)) {
            throw new CheckpointException("k-means benchmark: baseline checkpoint " + baseline
                    + " not found; run './lutboost run' first (it trains the quickstart LeNet-5), pass --baseline,"
                    + " or --skip kmeans");
        }
        Recipe recipe = ShippedRecipes.load(ShippedRecipes.DEFAULT, List.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block lenet = ModelZoo.build(recipe.model(), Datasets.FASHION_MNIST);
            lenet.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            TrainingCheckpoint.read(baseline).loadInto(manager, lenet);
            ImageClassificationDataset train = ImageClassificationDataset.builder()
                    .optValidationFraction(0).optLimit(kmeansSamples).setSampling(1000, false).build();
            List<NDArray> chunks = new ArrayList<>();
            ParameterStore ps = new ParameterStore(manager, false);
            for (Batch batch : train.getData(manager)) {
                NDList x = batch.getData();
                for (Pair<String, Block> child : lenet.getChildren()) {
                    x = child.getValue().forward(ps, x, false);
                    if (LayerNames.strip(child.getKey()).equals("flatten")) {
                        break;
                    }
                }
                NDArray fc1Input = x.head().get(":, :256");
                fc1Input.attach(manager);
                chunks.add(fc1Input);
                batch.close();
            }
            NDArray all = NDArrays.concat(new NDList(chunks), 0);
            NDArray data = all.reshape(all.getShape().get(0), 64, 4).transpose(1, 0, 2);
            KMeansComparison c = KMeansComparison.run(data, 16, 20, 42);
            out().printf(Locale.ROOT,
                    "k-means: %d codebooks x K=%d, v=4, on fc1's input (first 256 of 400 dims) for %d images%n",
                    c.codebooks(), c.k(), c.points());
            out().printf(Locale.ROOT, "  batched (256 points per centroid)  %7.3f s, inertia on all points %.6g%n",
                    c.batchedSeconds(), c.batchedInertia());
            out().printf(Locale.ROOT, "  commons-math3, codebook by codebook %7.3f s, inertia on all points %.6g%n",
                    c.referenceSeconds(), c.referenceInertia());
            out().printf(Locale.ROOT, "  speed-up %.1fx; inertia %+.2f %% against commons-math3%n",
                    c.referenceSeconds() / c.batchedSeconds(), 100 * (c.batchedInertia() / c.referenceInertia() - 1));
            out().flush();
        }
    }
}
