package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * A dense layer in integers (the layers a recipe keeps dense: by default the first conv and the
 * classifier): integer weights with a power-of-two scale per output column, products summed onto
 * the aligned bias, rescaled per column like a LUT layer's output.
 *
 * @param name the layer's path
 * @param input the input tensor
 * @param output the output tensor
 * @param conv the patch geometry, or null for a linear layer
 * @param inputLength {@code D}, elements per row (patch)
 * @param units {@code N}
 * @param weightBits the width of the weights
 * @param weights {@code [N][D]}, for a conv in {@code Conv2d}'s {@code [N][C_in][kh][kw]} order
 * @param bias {@code [N]}, each in its column's accumulator format
 * @param outputShift {@code [N]}, accumulator fraction bits minus output fraction bits
 * @param relu whether a ReLU follows the rescale
 */
public record DenseLayerOp(
        String name, String input, String output, ConvGeometry conv, int inputLength, int units, int weightBits,
        int[] weights, int[] bias, int[] outputShift, boolean relu) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return conv == null ? OpType.LINEAR : OpType.CONV2D;
    }
}
