package ai.lutboost.dse;

import ai.lutboost.layer.Metric;

/**
 * One LUT configuration of a layer.
 *
 * @param v sub-vector length
 * @param k centroids per codebook
 * @param metric the distance
 * @param tableBits width of table entries
 * @param accBits width of the accumulator
 * @param activationBits width of inputs and centroids
 */
public record LutConfig(int v, int k, Metric metric, int tableBits, int accBits, int activationBits) {

    /** Validates the widths. */
    public LutConfig {
        if (v < 1 || k < 2 || tableBits < 2 || accBits < 2 || activationBits < 2) {
            throw new IllegalArgumentException("need v >= 1, K >= 2 and widths >= 2, got v=" + v + " K=" + k
                    + " tableBits=" + tableBits + " accBits=" + accBits + " activationBits=" + activationBits);
        }
    }

    /**
     * The DESIGN §5 defaults around a given {@code (v, K, metric, tableBits)}: 32-bit accumulator,
     * 8-bit activations.
     *
     * @param v sub-vector length
     * @param k centroids
     * @param metric the distance
     * @param tableBits table width
     * @return the configuration
     */
    public static LutConfig of(int v, int k, Metric metric, int tableBits) {
        return new LutConfig(v, k, metric, tableBits, 32, 8);
    }

    /**
     * Returns the bits an activation costs on the datapath: a {@code ceil(log2(K))}-bit index per
     * {@code v} activations.
     *
     * @return bits per activation
     */
    public double bitsPerActivation() {
        return (double) (32 - Integer.numberOfLeadingZeros(k - 1)) / v;
    }
}
