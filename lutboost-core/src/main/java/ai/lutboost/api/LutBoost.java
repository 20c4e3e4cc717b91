package ai.lutboost.api;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.pipeline.Pipeline;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.training.TrainOptions;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One entry point for ML pipelines: convert a model into a LUT model by a recipe's stages, then
 * {@link Conversion#export export} its bundle and {@link Conversion#verify verify} it. The bundle
 * runs in {@link ai.lutboost.engine.LutModel}, which takes images as pixels.
 *
 * <pre>{@code
 * try (Conversion c = LutBoost.convert(MyModels::cnn, new Shape(1, 1, 28, 28), recipe, dir)) {
 *     Path bundle = c.export(dir.resolve("bundle"));
 *     BundleVerifier.Result check = c.verify(bundle);
 * }
 * }</pre>
 */
public final class LutBoost {

    private LutBoost() {}

    /**
     * Trains a model of your own as the recipe says and converts it, with no output but files.
     *
     * @param model makes the untrained model, any DJL block
     * @param inputShape one input's shape with a batch axis, e.g. {@code (1, 1, 28, 28)}
     * @param recipe the stages and their settings, e.g. from {@link Recipe#builder}
     * @param outputDir where checkpoints and the report go
     * @return the conversion; close it
     * @throws LutBoostException if the model does not fit the data or the recipe, or a stage fails
     */
    public static Conversion convert(Supplier<Block> model, Shape inputShape, Recipe recipe, Path outputDir)
            throws LutBoostException {
        return convert(model, inputShape, recipe, TrainOptions.quiet(outputDir, null));
    }

    /**
     * {@link #convert(Supplier, Shape, Recipe, Path)} with progress, logging, resume and device
     * as the options say.
     *
     * @param model makes the untrained model
     * @param inputShape one input's shape with a batch axis
     * @param recipe the recipe
     * @param options where output goes and how training reports
     * @return the conversion; close it
     * @throws LutBoostException if the model does not fit the data or the recipe, or a stage fails
     */
    public static Conversion convert(Supplier<Block> model, Shape inputShape, Recipe recipe, TrainOptions options)
            throws LutBoostException {
        return new Conversion(recipe, options, Pipeline.builder().setRecipe(recipe)
                .optArchitecture(model, inputShape).setOptions(options).build().run());
    }

    /**
     * Runs a recipe whose model comes from the zoo ({@code model.arch}).
     *
     * @param recipe the recipe
     * @param options where output goes and how training reports
     * @return the conversion; close it
     * @throws LutBoostException if a stage fails
     */
    public static Conversion convert(Recipe recipe, TrainOptions options) throws LutBoostException {
        return new Conversion(recipe, options, Pipeline.builder().setRecipe(recipe).setOptions(options).build().run());
    }
}
