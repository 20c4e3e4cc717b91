package ai.lutboost.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * LeNet-5 for 28x28 (or 32x32) images, with ReLU and max pooling.
 *
 * <p>Layers: {@code conv1} (6 filters 5x5, padding 2), {@code pool1}, {@code conv2} (16 filters
 * 5x5), {@code pool2}, {@code fc1} (120), {@code fc2} (84), {@code fc3} (classes), with ReLU
 * after every conv and hidden linear layer.
 */
public final class LeNet5 {

    private LeNet5() {}

    /**
     * Builds the network.
     *
     * @param numClasses the number of classes
     * @return the block, input {@code [B, C, 28, 28]}, output logits {@code [B, numClasses]}
     */
    public static NamedSequentialBlock build(int numClasses) {
        NamedSequentialBlock net = new NamedSequentialBlock();
        net.add("conv1", conv(6, 2))
                .add("relu1", Activation.reluBlock())
                .add("pool1", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("conv2", conv(16, 0))
                .add("relu2", Activation.reluBlock())
                .add("pool2", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc1", Linear.builder().setUnits(120).build())
                .add("relu3", Activation.reluBlock())
                .add("fc2", Linear.builder().setUnits(84).build())
                .add("relu4", Activation.reluBlock())
                .add("fc3", Linear.builder().setUnits(numClasses).build());
        return net;
    }

    private static Conv2d conv(int filters, int padding) {
        return Conv2d.builder()
                .setKernelShape(new Shape(5, 5))
                .optPadding(new Shape(padding, padding))
                .setFilters(filters)
                .build();
    }
}
