package ai.lutboost.model;

import ai.djl.nn.Block;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.recipe.ModelSection;
import java.util.Locale;

/** Builds the zoo model a recipe names, shaped for a dataset. */
public final class ModelZoo {

    private ModelZoo() {}

    /**
     * Builds a model.
     *
     * @param model the recipe's model section
     * @param dataset the dataset it will see (image size and classes)
     * @return a fresh, uninitialised block
     */
    public static Block build(ModelSection model, DatasetDescriptor dataset) {
        int classes = dataset.numClasses();
        return switch (model.arch()) {
            case "lenet5" -> LeNet5.build(classes);
            case "resnet" -> ResidualCnn.build(classes, model.widths(), model.blocksPerStage());
            case "vit-tiny" -> new VisionTransformer(
                    new VisionTransformer.Config(
                            classes,
                            dataset.height(),
                            model.patchSize(),
                            model.dim(),
                            model.depth(),
                            model.heads(),
                            model.mlpDim(),
                            VisionTransformer.Pooling.valueOf(
                                    model.pooling().toUpperCase(Locale.ROOT))));
            default -> throw new IllegalArgumentException("unknown arch " + model.arch());
        };
    }

    /**
     * Counts trainable values: batch-norm running statistics, which DJL also stores as
     * parameters, are left out.
     *
     * @param block an initialised block
     * @return the number of trainable scalars
     */
    public static long trainableParameters(Block block) {
        return block.getParameters().values().stream()
                .filter(p -> p.requiresGradient())
                .mapToLong(p -> p.getArray().size())
                .sum();
    }
}
