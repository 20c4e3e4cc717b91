package ai.lutboost.dse;

import ai.djl.Device;
import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.pipeline.Pipeline;
import ai.lutboost.pipeline.PipelineResult;
import ai.lutboost.quant.ModelShapes;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.stage.StageResult;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.ReportJson;
import ai.lutboost.training.TrainOptions;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a sweep: each point converts the same trained baseline with the recipe's (short) stages and
 * its own LUT configuration, in its own directory under {@code points/}. A finished point leaves
 * {@code result.json} (its accuracy and layers), and a rerun takes it from there instead of training
 * again, costing it with the model of the rerun; an unfinished one resumes from its newest
 * checkpoint.
 */
public final class Sweep {

    /** The file a finished point leaves. */
    public static final String RESULT = "result.json";

    private Sweep() {}

    /**
     * Where and how to run.
     *
     * @param outputDir the sweep's directory
     * @param baseline the trained baseline checkpoint every point starts from
     * @param dataDir where the dataset is, or null to search
     * @param device the DJL device, or null for the default
     * @param log progress lines
     */
    public record Options(Path outputDir, Path baseline, Path dataDir, Device device, Consumer<String> log) {}

    /**
     * Runs the points not yet finished and returns every point's result.
     *
     * @param points the configurations
     * @param recipes the recipe of each point
     * @param options where and how
     * @param model the cost model
     * @return the results, in point order
     * @throws LutBoostException if a point's pipeline fails
     */
    public static List<SweepResult> run(List<SweepPoint> points, Function<SweepPoint, Recipe> recipes, Options options,
            CostModel model) throws LutBoostException {
        List<SweepResult> results = new ArrayList<>();
        int done = 0;
        for (SweepPoint p : points) {
            done++;
            Path dir = pointDirectory(options.outputDir(), p);
            Path file = dir.resolve(RESULT);
            if (Files.isRegularFile(file)) {
                results.add(read(file, model));
                options.log().accept(String.format(Locale.ROOT, "point %d/%d %s: finished earlier, %.2f %%", done,
                        points.size(), p.id(), 100 * results.get(results.size() - 1).testAccuracy()));
                continue;
            }
            options.log().accept(String.format(Locale.ROOT, "point %d/%d %s ...", done, points.size(), p.id()));
            SweepResult result = measure(dir, recipes.apply(p), p, options, model);
            results.add(result);
            options.log().accept(String.format(Locale.ROOT,
                    "point %d/%d %s: %.2f %%, %.3f bits/activation, %.1f KB, %.2f uJ (%.0f s)", done, points.size(),
                    p.id(), 100 * result.testAccuracy(), result.cost().bitsPerActivation(),
                    result.cost().lutBytes() / 1024, result.cost().lutEnergyPj() / 1e6, result.seconds()));
        }
        return results;
    }

    /**
     * Returns where a point's conversion, result and area count go.
     *
     * @param outputDir the sweep's directory
     * @param point the point
     * @return {@code points/<id>} in it
     */
    public static Path pointDirectory(Path outputDir, SweepPoint point) {
        return outputDir.resolve("points").resolve(point.id());
    }

    /**
     * Converts the baseline with one recipe (resuming in {@code dir} if it was interrupted),
     * costs the frozen network and leaves {@code result.json}; a finished directory is read back.
     *
     * @param dir the point's directory
     * @param recipe the recipe
     * @param point the uniform configuration the recipe stands for, or null for a mixed one
     * @param options where and how
     * @param model the cost model
     * @return the result
     * @throws LutBoostException if the pipeline fails
     */
    public static SweepResult measure(Path dir, Recipe recipe, SweepPoint point, Options options, CostModel model)
            throws LutBoostException {
        Path file = dir.resolve(RESULT);
        if (Files.isRegularFile(file)) {
            return read(file, model);
        }
        long start = System.nanoTime();
        TrainOptions train = new TrainOptions(dir, options.dataDir(), true, options.device(), null, line -> { });
        try (PipelineResult r = Pipeline.builder().setRecipe(recipe).setOptions(train).optFromStage("kmeans")
                .optBaseline(options.baseline()).build().run()) {
            StageResult freeze = r.report().stage("freeze");
            DatasetDescriptor d = Datasets.byName(recipe.dataset().name());
            List<ModelShapes.Layer> shapes = ModelShapes.of(r.model().block(),
                    new int[] {d.channels(), d.height(), d.width()});
            SweepResult result = new SweepResult(point, freeze.testAccuracy(), (System.nanoTime() - start) / 1e9,
                    shapes, null, null).costedBy(model);
            AtomicFiles.writeString(file, ReportJson.GSON.toJson(result));
            return result;
        }
    }

    private static SweepResult read(Path file, CostModel model) throws LutBoostException {
        try {
            SweepResult r = ReportJson.GSON.fromJson(Files.readString(file), SweepResult.class);
            if (r == null || r.layers() == null) {
                throw new JsonParseException("no layers: written by an older version");
            }
            return r.costedBy(model);
        } catch (IOException | JsonParseException e) {
            throw new LutBoostException(file + " is not a sweep result (" + e.getMessage()
                    + "); delete it to rerun that point");
        }
    }
}
