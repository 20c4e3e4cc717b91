package ai.lutboost.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A small ResNet-style CNN for 28x28 or 32x32 images.
 *
 * <p>Layers: {@code conv1} (3x3, {@code widths[0]}), {@code bn1}, {@code relu1}, then one stage
 * per width, {@code stage1 .. stageN}, each of {@code blocksPerStage} {@link ResidualBlock}s
 * named {@code block1 ..} (every stage after the first halves the resolution), then
 * {@code pool} (global average), {@code flatten} and the classifier {@code fc}.
 */
public final class ResidualCnn {

    private ResidualCnn() {}

    /**
     * Builds the network.
     *
     * @param numClasses the number of classes
     * @param widths the channels of each stage, at least one
     * @param blocksPerStage residual blocks per stage, at least one
     * @return the block, input {@code [B, C, H, W]}, output logits {@code [B, numClasses]}
     */
    public static NamedSequentialBlock build(int numClasses, List<Integer> widths, int blocksPerStage) {
        if (widths.isEmpty() || blocksPerStage < 1) {
            throw new IllegalArgumentException("need at least one stage and one block per stage");
        }
        NamedSequentialBlock net = new NamedSequentialBlock();
        net.add(
                        "conv1",
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(widths.get(0))
                                .optBias(false)
                                .build())
                .add("bn1", BatchNorm.builder().build())
                .add("relu1", Activation.reluBlock());
        int previous = widths.get(0);
        for (int s = 0; s < widths.size(); s++) {
            NamedSequentialBlock stage = new NamedSequentialBlock();
            int width = widths.get(s);
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                boolean project = b == 0 && (stride != 1 || width != previous);
                stage.add("block" + (b + 1), new ResidualBlock(width, stride, project));
            }
            previous = width;
            net.add("stage" + (s + 1), stage);
        }
        net.add("pool", Pool.globalAvgPool2dBlock())
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc", Linear.builder().setUnits(numClasses).build());
        return net;
    }
}
