package ai.lutboost.stage;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.LutBoostException;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.BatchNormFolding;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.layer.LutMode;
import ai.lutboost.quant.DatapathPlan;
import ai.lutboost.recipe.LayerSpecResolver;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.training.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model in its LUT form: the baseline's architecture with the recipe's layers swapped for LUT
 * layers, held in a DJL {@link Model}.
 *
 * <p>The structure is rebuilt the same way every time (architecture, baseline weights,
 * conversion, and after stage 4 the batch norms folded away), so that any stage's checkpoint
 * loads into it.
 */
public final class ConvertedModel implements AutoCloseable {

    private final Model model;
    private final Block block;
    private final Map<String, AbstractLutBlock> layers;
    private final LayerSpecResolver resolver;
    private DatapathPlan datapathPlan;

    private ConvertedModel(Model model, Block block, Map<String, AbstractLutBlock> layers, LayerSpecResolver resolver) {
        this.model = model;
        this.block = block;
        this.layers = layers;
        this.resolver = resolver;
    }

    /**
     * Builds the architecture, loads the baseline and converts the layers the recipe selects.
     *
     * @param recipe the recipe, with a {@code lut} section
     * @param architecture builds the uninitialized model
     * @param inputShape one input's shape, with batch 1
     * @param device the device
     * @param baseline the stage-0 checkpoint
     * @return the converted model; centroids are random until stage 1
     * @throws LutBoostException if the checkpoint is missing or does not fit, or the recipe's
     *     layer settings do not fit the model
     */
    public static ConvertedModel convert(
            Recipe recipe, Supplier<Block> architecture, Shape inputShape, Device device, Path baseline)
            throws LutBoostException {
        TrainingCheckpoint.Loaded ckpt = TrainingCheckpoint.read(baseline);
        Model model = Model.newInstance(recipe.name(), device);
        try {
            Block block = loadDense(architecture, inputShape, model.getNDManager(), ckpt);
            LutConverter converter = LutConverter.withDefaults();
            LayerSpecResolver resolver = new LayerSpecResolver(recipe, converter.convertible(block));
            Map<String, AbstractLutBlock> layers = new LinkedHashMap<>();
            try {
                converter.convert(model.getNDManager(), block, (path, b) -> resolver.specFor(path))
                        .forEach((path, b) -> layers.put(path, (AbstractLutBlock) b));
            } catch (IllegalArgumentException e) {
                throw new RecipeException(recipe.source() + ": lut: " + e.getMessage(), e);
            }
            layers.values().forEach(l -> l.setHardEstimatorSettings(recipe.lut().hardEstimator()));
            if (layers.isEmpty()) {
                throw new RecipeException(recipe.source() + ": lut: the recipe converts none of the model's layers "
                        + resolver.all().keySet() + "; set denseEnds: false or name fewer dense layers", null);
            }
            model.setBlock(block);
            return new ConvertedModel(model, block, layers, resolver);
        } catch (LutBoostException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Checks, before anything trains, that the recipe's LUT settings fit the model: it builds the
     * architecture with fresh weights and converts it as {@link #convert} will, so a {@code v} that
     * does not divide a layer's input or a layer name the model lacks is reported now rather than
     * after the baseline.
     *
     * @param recipe the recipe
     * @param architecture builds the uninitialized model
     * @param inputShape one input's shape, batch 1
     * @throws RecipeException naming the recipe and the layer that does not fit
     * @throws IllegalArgumentException if the model does not accept the input shape
     */
    public static void checkFits(Recipe recipe, Supplier<Block> architecture, Shape inputShape)
            throws RecipeException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.get();
            try {
                block.initialize(manager, DataType.FLOAT32, inputShape);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the model does not accept inputs of shape " + inputShape + ": "
                        + e.getMessage(), e);
            }
            LutConverter converter = LutConverter.withDefaults();
            LayerSpecResolver resolver = new LayerSpecResolver(recipe, converter.convertible(block));
            try {
                converter.convert(manager, block, (path, b) -> resolver.specFor(path));
            } catch (IllegalArgumentException e) {
                throw new RecipeException(recipe.source() + ": lut: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Builds the architecture and loads a dense checkpoint into it: the baseline, or the teacher
     * of distillation.
     *
     * @param architecture builds the uninitialized model
     * @param inputShape one input's shape
     * @param manager the manager for its arrays
     * @param ckpt the checkpoint
     * @return the initialized block
     * @throws LutBoostException if the checkpoint does not fit
     */
    public static Block loadDense(
            Supplier<Block> architecture, Shape inputShape, NDManager manager, TrainingCheckpoint.Loaded ckpt)
            throws LutBoostException {
        Block block = architecture.get();
        block.initialize(manager, DataType.FLOAT32, inputShape);
        ckpt.loadInto(manager, block);
        return block;
    }

    /**
     * Gives the model the structure the freeze stage leaves, to load a checkpoint written after
     * it: the batch norms that follow LUT layers become identities, and a dense conv with a
     * batch norm after it becomes one conv with a bias (values left for the checkpoint).
     *
     * @return the LUT layers' pairs
     */
    public List<BatchNormFolding.Folded> removeFoldedNorms() {
        List<BatchNormFolding.Folded> folded = BatchNormFolding.find(block);
        BatchNormFolding.removeNorms(folded);
        BatchNormFolding.foldConvs(BatchNormFolding.findConvs(block), false);
        return folded;
    }

    /**
     * Loads a checkpoint written by a conversion stage.
     *
     * @param ckpt the checkpoint
     * @throws LutBoostException if it does not fit this model
     */
    public void load(TrainingCheckpoint.Loaded ckpt) throws LutBoostException {
        ckpt.loadInto(model.getNDManager(), block);
    }

    /**
     * Sets every LUT layer's mode.
     *
     * @param mode the mode
     */
    public void setMode(LutMode mode) {
        layers.values().forEach(l -> l.setMode(mode));
    }

    /**
     * Returns the DJL model.
     *
     * @return the model
     */
    public Model model() {
        return model;
    }

    /**
     * Returns the root block.
     *
     * @return the block
     */
    public Block block() {
        return block;
    }

    /**
     * Returns the LUT layers by path, in forward order.
     *
     * @return the layers
     */
    public Map<String, AbstractLutBlock> layers() {
        return Collections.unmodifiableMap(layers);
    }

    /**
     * Returns how each convertible layer was resolved.
     *
     * @return the resolver
     */
    public LayerSpecResolver resolver() {
        return resolver;
    }

    /**
     * Returns the datapath plan the freeze stage calibrated.
     *
     * @return the plan, or {@code null} before the freeze stage, or for a model with no integer
     *     datapath
     */
    public DatapathPlan datapathPlan() {
        return datapathPlan;
    }

    /**
     * Sets the datapath plan.
     *
     * @param plan the plan, or {@code null} for none
     */
    public void setDatapathPlan(DatapathPlan plan) {
        this.datapathPlan = plan;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        model.close();
    }
}
