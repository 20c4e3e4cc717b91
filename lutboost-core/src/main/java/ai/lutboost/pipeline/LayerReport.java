package ai.lutboost.pipeline;

import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LayerSpec;

/**
 * One converted layer's shape and cost.
 *
 * @param path the layer's path
 * @param type {@code linear} or {@code conv2d}
 * @param v sub-vector length
 * @param k centroids per codebook
 * @param metric the distance
 * @param tableBits table width
 * @param codebooks {@code C}
 * @param inputLength {@code D}
 * @param units {@code N}
 * @param bitsPerActivation stored index bits per activation, {@code ceil(log2(K)) / v}
 * @param tableBytes {@code C K N tableBits / 8}, table bits rounded up to 8 or 16 as stored
 * @param centroidBytes {@code C K v} bytes at 8-bit activations
 * @param where the recipe file and line that set the spec
 */
public record LayerReport(
        String path,
        String type,
        int v,
        int k,
        String metric,
        int tableBits,
        int codebooks,
        long inputLength,
        long units,
        double bitsPerActivation,
        long tableBytes,
        long centroidBytes,
        String where) {

    /**
     * Describes a converted layer.
     *
     * @param path its path
     * @param type its dense type
     * @param layer the LUT layer
     * @param where where its spec came from
     * @return the report
     */
    public static LayerReport of(String path, String type, AbstractLutBlock layer, String where) {
        LayerSpec s = layer.getSpec();
        long entries = (long) layer.getCodebooks() * s.k() * layer.getUnits();
        int stored = s.tableBits() <= 8 ? 8 : 16;
        return new LayerReport(path, type, s.v(), s.k(), s.metric().name().toLowerCase(java.util.Locale.ROOT),
                s.tableBits(), layer.getCodebooks(), layer.getInputLength(), layer.getUnits(),
                s.bitsPerActivation(), entries * stored / 8, (long) layer.getCodebooks() * s.k() * s.v(), where);
    }
}
