package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import ai.lutboost.layer.Metric;
import java.util.List;

/**
 * A LUT layer in integers: nearest centroid per sub-vector, then the sum of the selected table
 * rows onto the aligned bias, rescaled per output column to the output format.
 *
 * <p>Column {@code n}'s accumulator has the table column's fraction bits; {@code outputShift[n]}
 * is that minus the output's fraction bits, so the output is
 * {@code rq(acc[n], 1, outputShift[n])}, then {@code max(0, .)} when {@code relu}.
 *
 * @param name the layer's path
 * @param input the input tensor
 * @param output the output tensor
 * @param conv the patch geometry, or null for a linear layer
 * @param inputLength {@code D}, elements per row (patch) before zero-padding to {@code C v}
 * @param codebooks {@code C}
 * @param k centroids per codebook
 * @param v sub-vector length
 * @param units {@code N}, output columns (channels)
 * @param metric the distance
 * @param tableBits the width of table entries
 * @param centroids {@code [C][K][v]} in the input's format
 * @param table {@code [C][K][N]}
 * @param bias {@code [N]}, each in its column's accumulator format
 * @param outputShift {@code [N]}
 * @param relu whether a ReLU follows the rescale
 */
public record LutLayerOp(
        String name, String input, String output, ConvGeometry conv, int inputLength, int codebooks, int k, int v,
        int units, Metric metric, int tableBits, int[] centroids, int[] table, int[] bias, int[] outputShift,
        boolean relu) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return conv == null ? OpType.LUT_LINEAR : OpType.LUT_CONV2D;
    }
}
