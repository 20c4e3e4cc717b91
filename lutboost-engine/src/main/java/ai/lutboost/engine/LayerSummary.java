package ai.lutboost.engine;

/**
 * One op of a loaded bundle as {@code lutboost inspect} lists it.
 *
 * @param name the op's name (the layer's path)
 * @param kind {@code lut_conv2d}, {@code lut_linear}, {@code conv2d}, {@code linear},
 *     {@code maxpool2d}, {@code global_avgpool2d} or {@code add}
 * @param detail the op's parameters in a few words, e.g. {@code C=30 K=16 v=5 l2 table int8},
 *     and {@code token 0 alone} where {@link LutModel#predict} computes only the token the logits
 *     read
 * @param outputFormat the output tensor's format in HDL notation
 * @param bytes bytes of tables, centroids, weights and biases
 * @param bitsPerActivation {@code log2(K) / v} for a LUT layer, the input width for a dense one,
 *     0 for the rest
 */
public record LayerSummary(
        String name, String kind, String detail, String outputFormat, long bytes, double bitsPerActivation) {}
