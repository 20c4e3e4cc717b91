package ai.lutboost.cli;

import ai.djl.Device;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.dse.ArrayConfig;
import ai.lutboost.dse.AreaSynthesis;
import ai.lutboost.dse.CostModel;
import ai.lutboost.dse.EnergyConstants;
import ai.lutboost.dse.MixedSearch;
import ai.lutboost.dse.Sweep;
import ai.lutboost.dse.SweepPoint;
import ai.lutboost.dse.SweepReport;
import ai.lutboost.dse.SweepResult;
import ai.lutboost.layer.Metric;
import ai.lutboost.model.ModelZoo;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.rtl.RtlSynthesis;
import ai.lutboost.training.BaselineTrainer;
import ai.lutboost.training.ShutdownGate;
import ai.lutboost.training.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lutboost dse}: a design-space sweep with cost estimates, Pareto fronts and a report. */
@Command(
        name = "dse",
        mixinStandardHelpOptions = true,
        header = "Sweep LUT configurations: accuracy of short proxies against estimated costs.",
        description = "Converts one trained baseline once per grid point (every LUT layer gets the point's "
                + "v, K, metric and table width; the recipe's stages are the proxy), estimates each "
                + "point's memory, energy and cycles with the cost model of docs/cost-model.md, and "
                + "writes dse.csv, dse.json, Pareto-front plots and report.html. A finished point is "
                + "never trained again: rerun the same command to resume an interrupted sweep.")
final class DseCommand extends BaseCommand {

    @Option(names = {"-r", "--recipe"}, defaultValue = "dse-lenet5", paramLabel = "RECIPE",
            description = "Recipe whose baseline and stages every point uses (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Mixin RecipeOptions options;

    @Option(names = "--v", split = ",", defaultValue = "2,4,8", paramLabel = "V",
            description = "Sub-vector lengths (default: ${DEFAULT-VALUE}).")
    List<Integer> vs;

    @Option(names = "--k", split = ",", defaultValue = "8,16,32,64", paramLabel = "K",
            description = "Centroid counts (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--metric", split = ",", defaultValue = "l2", paramLabel = "METRIC",
            description = "Distances: l2, l1, chebyshev (default: ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Option(names = "--table-bits", split = ",", defaultValue = "8", paramLabel = "BITS",
            description = "Table widths (default: ${DEFAULT-VALUE}).")
    List<Integer> tableBits;

    @Option(names = "--mixed", description = "Then search per-layer configurations: measure each layer's sensitivity,"
            + " pick the least energy predicted to keep the reference accuracy, emit mixed.yaml and measure it.")
    boolean mixed;

    @Option(names = "--budget", paramLabel = "POINTS", defaultValue = "1.0",
            description = "With --mixed: accuracy points the reference uniform point may lose against the best one"
                    + " (default: ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--synthesize", description = "Also synthesize every point's LUT layers with Yosys, as 'lutboost"
            + " rtl' generates them, and set the cell counts beside the area model's in the report (about a minute a"
            + " point for LeNet-5; kept in each point's area.json).")
    boolean synthesize;

    @Option(names = "--samples-per-pass", paramLabel = "N", defaultValue = "64",
            description = "Samples the cost model streams past one load of a layer's tables or weights"
                    + " (default: ${DEFAULT-VALUE}).")
    int samplesPerPass;

    @Option(names = "--baseline", paramLabel = "CKPT",
            description = "Trained baseline (default: <output>/baseline/checkpoints/baseline.ckpt, trained there if"
                    + " missing).")
    Path baseline;

    @Override
    protected int doCall() throws Exception {
        List<Metric> ms = new ArrayList<>();
        for (String m : metrics) {
            ms.add(Metric.parse(m));
        }
        for (int k : ks) {
            if (k < 2 || Integer.bitCount(k) != 1) {
                throw new IllegalArgumentException("--k " + k + ": K must be a power of two from 2 on (a centroid"
                        + " index takes log2(K) bits on the datapath)");
            }
        }
        List<SweepPoint> points = SweepPoint.grid(vs, ks, ms, tableBits);
        Device device = options.device();
        if (mixed && points.size() < 2) {
            throw new IllegalArgumentException("--mixed needs a sweep of at least two points, got " + points.size());
        }
        if (!(budget >= 0)) {
            throw new IllegalArgumentException("--budget must be a number of accuracy points of at least 0, got "
                    + budget);
        }
        if (samplesPerPass < 1) {
            throw new IllegalArgumentException("--samples-per-pass must be at least 1, got " + samplesPerPass);
        }
        if (synthesize && !RtlSynthesis.available()) {
            throw new IllegalArgumentException("--synthesize needs Yosys on the PATH; install it (apt-get install yosys)");
        }
        Recipe base = ShippedRecipes.load(recipe, options.overrides);
        // Every point's recipe is loaded, and so checked, before the baseline trains, which can take minutes.
        Map<SweepPoint, Recipe> recipes = new LinkedHashMap<>();
        points.forEach(p -> recipes.put(p, recipeFor(p)));
        Path out = options.output != null ? options.output : Path.of("runs", "dse-" + base.name());
        ShutdownGate.setAdvice("run the same command to continue the sweep from its finished points and checkpoints");
        Path ckpt = baseline;
        if (ckpt == null) {
            Path dir = out.resolve("baseline");
            ckpt = dir.resolve("checkpoints").resolve(BaselineTrainer.FINAL_NAME + ".ckpt");
            if (!Files.isRegularFile(ckpt)) {
                log("training the baseline into " + dir);
                BaselineTrainer.train(base, new TrainOptions(dir, options.dataDir, true, device, null, this::log));
            }
        } else if (!Files.isRegularFile(ckpt)) {
            throw new IllegalArgumentException("--baseline " + ckpt + " not found");
        }
        CostModel model = new CostModel(EnergyConstants.HOROWITZ_45NM, ArrayConfig.EDGE.withSamplesPerPass(samplesPerPass));
        log(String.format(Locale.ROOT, "sweeping %d points of %s into %s", points.size(), base.name(), out));
        Sweep.Options sweep = new Sweep.Options(out, ckpt, options.dataDir, device, this::log);
        List<SweepResult> results = Sweep.run(points, recipes::get, sweep, model);
        if (synthesize) {
            results = AreaSynthesis.synthesize(results, out, this::log);
        }
        MixedSearch.Outcome outcome = null;
        if (mixed) {
            DatasetDescriptor d = Datasets.byName(base.dataset().name());
            outcome = MixedSearch.run(base, () -> ModelZoo.build(base.model(), d), results, budget, sweep, model);
            out().printf(Locale.ROOT, "mixed             %s (recipe %s)%n", outcome.verdict(), outcome.recipeFile());
        }
        Path page = SweepReport.write("LUTBoost sweep: " + base.name(), results, outcome, model, out);
        SweepResult chosen = SweepReport.chosen(results);
        out().printf(Locale.ROOT, "chosen            %s: %.2f %%, energy %.3f of the dense int8 network, memory %.2f%n",
                chosen.point().id(), 100 * chosen.testAccuracy(),
                chosen.cost().lutEnergyPj() / chosen.cost().int8EnergyPj(),
                chosen.cost().lutBytes() / chosen.cost().int8Bytes());
        out().printf(Locale.ROOT, "report            %s%n", page);
        out().flush();
        return ExitCodes.OK;
    }

    private Recipe recipeFor(SweepPoint p) {
        List<String> all = new ArrayList<>(options.overrides);
        all.addAll(p.overrides());
        try {
            return ShippedRecipes.load(recipe, all);
        } catch (RecipeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void log(String line) {
        if (!common.quiet) {
            out().println(line);
            out().flush();
        }
    }
}
