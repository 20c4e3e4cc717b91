package ai.lutboost.rtl;

import ai.lutboost.layer.Metric;
import java.util.Locale;

/**
 * The parameters of one generated LUT layer: what {@code lut_layer} is instantiated with.
 *
 * @param name the layer's path, e.g. {@code conv2}
 * @param v sub-vector length
 * @param k centroids per codebook
 * @param codebooks {@code C}
 * @param units {@code N}, the outputs per row
 * @param inBits input and centroid width
 * @param tableBits table entry width
 * @param outBits output width
 * @param metric the distance
 * @param centroidsPerCycle {@code P}, centroids the CCM compares per cycle
 * @param relu whether the outputs go through a ReLU
 */
public record LayerParameters(String name, int v, int k, int codebooks, int units, int inBits, int tableBits,
        int outBits, Metric metric, int centroidsPerCycle, boolean relu) {

    /**
     * Returns the Verilog {@code METRIC} parameter: 0 for L2, 1 for L1, 2 for Chebyshev.
     *
     * @return the code
     */
    public int metricCode() {
        return switch (metric) {
            case L2 -> 0;
            case L1 -> 1;
            case CHEBYSHEV -> 2;
        };
    }

    /**
     * Returns the parameters in words, for messages.
     *
     * @return e.g. {@code v=4 K=16 C=100 N=120 l2, 8-bit inputs, 8-bit table, 8-bit outputs}
     */
    public String description() {
        return String.format(Locale.ROOT, "v=%d K=%d C=%d N=%d %s, %d-bit inputs, %d-bit table, %d-bit outputs", v, k,
                codebooks, units, metric.name().toLowerCase(Locale.ROOT), inBits, tableBits, outBits);
    }
}
