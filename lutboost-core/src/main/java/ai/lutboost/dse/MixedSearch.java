package ai.lutboost.dse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.pipeline.Pipeline;
import ai.lutboost.pipeline.PipelineReport;
import ai.lutboost.pipeline.PipelineResult;
import ai.lutboost.quant.ModelShapes;
import ai.lutboost.recipe.LayerOverride;
import ai.lutboost.recipe.LayerSpecResolver;
import ai.lutboost.recipe.LutSection;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Mixed per-layer configurations. Each layer's sensitivity is measured alone: the accuracy after
 * k-means only (stage 1, no training) with that layer converted at a configuration and every
 * other layer dense. Summed over layers, these drops predict an assignment's drop after k-means;
 * the ratio of the sweep's measured drops (after its full proxy) to the predicted ones for the
 * uniform points scales that to a proxy-trained drop. The search then takes, over every
 * assignment of the sweep's configurations to layers, the cheapest whose predicted accuracy is at
 * least the reference uniform point's predicted accuracy, writes it as a recipe, and measures it
 * like a sweep point.
 */
public final class MixedSearch {

    private static final int MAX_ASSIGNMENTS = 1_000_000;

    private MixedSearch() {}

    /**
     * The outcome.
     *
     * @param recipeFile the mixed configuration as a recipe the pipeline runs unchanged
     * @param assignment layer to configuration
     * @param predictedAccuracy what the sensitivity model predicted
     * @param measured the mixed recipe measured like a sweep point
     * @param reference the uniform point it is held against
     * @param scale measured over predicted drop, fitted on the uniform points
     * @param verdict one sentence: whether it beats the reference, and if not why
     */
    public record Outcome(Path recipeFile, Map<String, SweepPoint> assignment, double predictedAccuracy,
            SweepResult measured, SweepResult reference, double scale, String verdict) {}

    /**
     * Runs the search.
     *
     * @param base the sweep's recipe
     * @param architecture builds the dense model
     * @param uniform the sweep's results (the configurations and their measured accuracies)
     * @param budget accuracy points the reference may lose against the best uniform point
     * @param options where and how (sensitivity runs go under {@code sensitivity/})
     * @param model the cost model, minimizing energy
     * @return the outcome
     * @throws LutBoostException if a run fails
     */
    public static Outcome run(Recipe base, Supplier<Block> architecture, List<SweepResult> uniform, double budget,
            Sweep.Options options, CostModel model) throws LutBoostException {
        DatasetDescriptor d = Datasets.byName(base.dataset().name());
        int[] input = {d.channels(), d.height(), d.width()};
        List<ModelShapes.Layer> shapes;
        List<String> layers = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.get();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, d.channels(), d.height(), d.width()));
            shapes = ModelShapes.of(block, input);
            LayerSpecResolver resolver = new LayerSpecResolver(base, LutConverter.withDefaults().convertible(block));
            resolver.all().forEach((path, r) -> {
                if (r.spec() != null) {
                    layers.add(path);
                }
            });
        }
        List<SweepPoint> configs = uniform.stream().map(SweepResult::point).toList();
        double baselineAccuracy = Double.NaN;
        Map<String, Map<SweepPoint, Double>> drop = new LinkedHashMap<>();
        int runs = 0;
        for (String layer : layers) {
            Map<SweepPoint, Double> byConfig = new LinkedHashMap<>();
            for (SweepPoint c : configs) {
                runs++;
                Path dir = options.outputDir().resolve("sensitivity").resolve(layer).resolve(c.id());
                PipelineReport report = kmeansOnly(dir, single(base, layers, layer, c), options);
                baselineAccuracy = report.stage("baseline").testAccuracy();
                byConfig.put(c, baselineAccuracy - report.stage("kmeans").testAccuracy());
                options.log().accept(String.format(Locale.ROOT,
                        "sensitivity %d/%d %s at %s: %+.2f points after k-means",
                        runs, layers.size() * configs.size(), layer, c.id(), -100 * byConfig.get(c)));
            }
            drop.put(layer, byConfig);
        }
        // Fit measured (proxy-trained) drop = scale x predicted (k-means, additive) drop on the uniform points.
        double num = 0;
        double den = 0;
        for (SweepResult u : uniform) {
            double predicted = 0;
            for (String layer : layers) {
                predicted += drop.get(layer).get(u.point());
            }
            num += (baselineAccuracy - u.testAccuracy()) * predicted;
            den += predicted * predicted;
        }
        double scale = den > 0 ? num / den : 1;
        double best = uniform.stream().mapToDouble(SweepResult::testAccuracy).max().orElseThrow();
        SweepResult reference = uniform.stream().filter(u -> u.testAccuracy() >= best - budget / 100)
                .min(Comparator.comparingDouble(u -> u.cost().lutEnergyPj())).orElseThrow();

        long combinations = 1;
        for (int i = 0; i < layers.size(); i++) {
            combinations *= configs.size();
            if (combinations > MAX_ASSIGNMENTS) {
                throw new LutBoostException(layers.size() + " layers x " + configs.size()
                        + " configurations are too many assignments to enumerate; sweep fewer configurations");
            }
        }
        // The bar is the reference's own prediction, so that the model's error is the same on both
        // sides of the comparison and the reference assignment itself always qualifies.
        double predictedReference = baselineAccuracy;
        for (String layer : layers) {
            predictedReference -= scale * drop.get(layer).get(reference.point());
        }
        int[] pick = new int[layers.size()];
        int[] bestPick = null;
        double bestCost = Double.MAX_VALUE;
        double bestPredicted = Double.NaN;
        for (long n = 0; n < combinations; n++) {
            long rest = n;
            double predictedDrop = 0;
            for (int i = 0; i < layers.size(); i++) {
                pick[i] = (int) (rest % configs.size());
                rest /= configs.size();
                predictedDrop += drop.get(layers.get(i)).get(configs.get(pick[i]));
            }
            double predicted = baselineAccuracy - scale * predictedDrop;
            if (predicted < predictedReference - 1e-12) {
                continue;
            }
            double cost = NetworkCost.of(model, assign(shapes, layers, configs, pick), 32, 8).lutEnergyPj();
            if (cost < bestCost) {
                bestCost = cost;
                bestPick = pick.clone();
                bestPredicted = predicted;
            }
        }
        Map<String, SweepPoint> assignment = new LinkedHashMap<>();
        Map<String, LayerOverride> byName = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            SweepPoint c = configs.get(bestPick[i]);
            assignment.put(layers.get(i), c);
            byName.put(layers.get(i), new LayerOverride(c.v(), c.k(), c.metric(), c.tableBits(), true, null,
                    false, "mixed search"));
        }
        LutSection lut = new LutSection(base.lut().defaults(), Map.of(), byName, base.lut().dense(),
                base.lut().denseEnds(), base.lut().hardEstimator());
        Recipe mixed = Recipe.of(base.name() + "-mixed", base.seed(), base.dataset(), base.model(), base.train(), lut,
                base.stages());
        Path recipeFile = options.outputDir().resolve("mixed.yaml");
        AtomicFiles.writeString(recipeFile, "# Found by 'lutboost dse --mixed': per-layer configurations of least"
                + " estimated energy\n# predicted to keep the accuracy of " + reference.point().id() + ".\n"
                + mixed.resolvedYaml());
        SweepResult measured = Sweep.measure(
                options.outputDir().resolve("mixed").resolve(mixed.sha256().substring(0, 12)),
                mixed, null, options, model);
        boolean accurate = measured.testAccuracy() >= reference.testAccuracy();
        boolean cheaper = measured.cost().lutEnergyPj() < reference.cost().lutEnergyPj();
        String verdict = accurate && cheaper
                ? String.format(Locale.ROOT, "the mixed configuration beats %s: %.2f %% vs %.2f %% at %.1f%% of its"
                        + " energy", reference.point().id(), 100 * measured.testAccuracy(),
                        100 * reference.testAccuracy(),
                        100 * measured.cost().lutEnergyPj() / reference.cost().lutEnergyPj())
                : String.format(Locale.ROOT, "the mixed configuration does not beat %s: %.2f %% (predicted %.2f %%) vs"
                        + " %.2f %%, energy %.1f%% of it; %s", reference.point().id(), 100 * measured.testAccuracy(),
                        100 * bestPredicted, 100 * reference.testAccuracy(),
                        100 * measured.cost().lutEnergyPj() / reference.cost().lutEnergyPj(),
                        !cheaper ? "no cheaper assignment was predicted to be accurate enough"
                                : "the additive sensitivity model over-predicted its accuracy");
        return new Outcome(recipeFile, assignment, bestPredicted, measured, reference, scale, verdict);
    }

    private static List<ModelShapes.Layer> assign(List<ModelShapes.Layer> shapes, List<String> layers,
            List<SweepPoint> configs, int[] pick) {
        List<ModelShapes.Layer> out = new ArrayList<>();
        for (ModelShapes.Layer l : shapes) {
            int i = layers.indexOf(l.name());
            LayerSpec spec = null;
            if (i >= 0) {
                SweepPoint c = configs.get(pick[i]);
                spec = new LayerSpec(c.v(), c.k(), c.metric(), c.tableBits(), true);
            }
            out.add(new ModelShapes.Layer(l.name(), l.inputLength(), l.outputs(), l.positions(), spec));
        }
        return out;
    }

    /** One layer converted at a configuration, every other converted layer of the recipe kept dense. */
    private static Recipe single(Recipe base, List<String> layers, String layer, SweepPoint c) {
        List<String> dense = new ArrayList<>(base.lut().dense());
        layers.stream().filter(l -> !l.equals(layer)).forEach(dense::add);
        LutSection lut = new LutSection(
                new LayerSpec(c.v(), c.k(), c.metric(), c.tableBits(), true, base.lut().defaults().estimator()),
                Map.of(), Map.of(), dense, base.lut().denseEnds(), base.lut().hardEstimator());
        return Recipe.of(base.name() + "-" + layer + "-" + c.id(), base.seed(), base.dataset(), base.model(),
                base.train(), lut, base.stages());
    }

    private static PipelineReport kmeansOnly(Path dir, Recipe recipe, Sweep.Options options) throws LutBoostException {
        Path file = dir.resolve(PipelineReport.FILE);
        if (Files.isRegularFile(file)) {
            PipelineReport old = PipelineReport.read(file);
            if (old.stage("kmeans") != null && old.stage("baseline") != null) {
                return old;
            }
        }
        TrainOptions train = new TrainOptions(dir, options.dataDir(), true, options.device(), null, line -> { });
        try (PipelineResult r = Pipeline.builder().setRecipe(recipe).setOptions(train).optFromStage("kmeans")
                .optUntilStage("kmeans").optBaseline(options.baseline()).build().run()) {
            return r.report();
        }
    }
}
