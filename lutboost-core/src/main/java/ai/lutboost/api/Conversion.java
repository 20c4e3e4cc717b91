package ai.lutboost.api;

import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.export.BundleExporter;
import ai.lutboost.export.BundleVerifier;
import ai.lutboost.pipeline.BundleSteps;
import ai.lutboost.pipeline.PipelineReport;
import ai.lutboost.pipeline.PipelineResult;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.stage.ConvertedModel;
import ai.lutboost.training.TrainOptions;
import java.nio.file.Path;

/**
 * A converted model: its report, the frozen LUT model, and what it turns into, a bundle checked
 * against the training side's integer simulation. Holds native memory until closed.
 */
public final class Conversion implements AutoCloseable {

    private final Recipe recipe;
    private final TrainOptions options;
    private final PipelineResult result;

    Conversion(Recipe recipe, TrainOptions options, PipelineResult result) throws LutBoostException {
        if (result.model() == null) {
            result.close();
            throw new LutBoostException("the recipe '" + recipe.name() + "' trains a baseline only: give it a lut"
                    + " section (Recipe.builder(...).optLut(...)) to convert");
        }
        this.recipe = recipe;
        this.options = options;
        this.result = result;
    }

    /**
     * Returns the accuracy and costs of every stage.
     *
     * @return the report, also written as {@code report.json} in the output directory
     */
    public PipelineReport report() {
        return result.report();
    }

    /**
     * Returns the converted model, its tables frozen.
     *
     * @return a DJL block whose LUT layers run the datapath's lookups
     */
    public Block model() {
        return converted().block();
    }

    /**
     * Writes the bundle: the datapath plan the freeze stage calibrated, tables, centroids, and
     * golden vectors computed by the integer simulation on the first 256 test images.
     *
     * @param target a directory, or a file ending in {@code .lutb}
     * @return the bundle's path
     * @throws LutBoostException if the model has no integer form or the bundle cannot be written
     */
    public Path export(Path target) throws LutBoostException {
        return BundleSteps.export(recipe, converted(), options.dataDir(), target, BundleExporter.DEFAULT_GOLDEN, null)
                .bundle();
    }

    /**
     * Runs the bundle in the Java engine and in the training side's integer simulation on the
     * recipe's test images (the first {@code testLimit}, or all) and compares every logit; also
     * checks the golden vectors.
     *
     * @param bundle a bundle from {@link #export}
     * @return identical samples, the engine's accuracy and, on a mismatch, where it starts
     * @throws BundleFormatException if the bundle is not a valid bundle
     * @throws LutBoostException if the dataset cannot be read
     */
    public BundleVerifier.Result verify(Path bundle) throws BundleFormatException, LutBoostException {
        int limit = recipe.dataset().testLimit() > 0 ? recipe.dataset().testLimit() : Integer.MAX_VALUE;
        return BundleSteps.verify(bundle, null, options.dataDir(), limit, Runtime.getRuntime().availableProcessors(),
                null).result();
    }

    /** Releases the model's native memory. */
    @Override
    public void close() {
        result.close();
    }

    private ConvertedModel converted() {
        return result.model();
    }
}
