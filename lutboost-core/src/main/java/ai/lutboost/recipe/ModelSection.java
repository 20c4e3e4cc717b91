package ai.lutboost.recipe;

import java.util.List;

/**
 * Which zoo model a recipe builds, and its shape. Keys that an architecture does not use are
 * rejected when the recipe is read, so each field holds its default for the other architectures.
 *
 * @param arch {@code lenet5}, {@code resnet} or {@code vit-tiny}
 * @param widths resnet: channels per stage
 * @param blocksPerStage resnet: residual blocks per stage
 * @param patchSize vit-tiny: patch side
 * @param dim vit-tiny: token width
 * @param depth vit-tiny: encoder blocks
 * @param heads vit-tiny: attention heads
 * @param mlpDim vit-tiny: MLP hidden width
 * @param pooling vit-tiny: {@code cls} or {@code mean}
 */
public record ModelSection(
        String arch,
        List<Integer> widths,
        int blocksPerStage,
        int patchSize,
        int dim,
        int depth,
        int heads,
        int mlpDim,
        String pooling) {

    /**
     * The model section of a recipe built in code around a model that is not from the zoo: its
     * architecture is {@code custom} and the shape fields hold the zoo's defaults, unused.
     *
     * @return the section
     */
    public static ModelSection custom() {
        return new ModelSection("custom", List.of(), 1, 4, 64, 4, 4, 128, "cls");
    }
}
