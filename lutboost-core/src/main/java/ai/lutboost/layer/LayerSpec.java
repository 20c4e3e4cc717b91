package ai.lutboost.layer;

import java.util.ArrayList;
import java.util.List;

/**
 * How one layer becomes a LUT layer.
 *
 * @param v sub-vector length
 * @param k centroids per codebook
 * @param metric the distance
 * @param tableBits width of the fixed-point table entries, 4 to 16
 * @param pad whether an input length not divisible by {@code v} is zero-padded (otherwise it is
 *     an error)
 * @param estimator how training's gradient passes the nearest-centroid search
 */
public record LayerSpec(int v, int k, Metric metric, int tableBits, boolean pad, Estimator estimator) {

    /** Validates the values. */
    public LayerSpec {
        if (v <= 0) {
            throw new IllegalArgumentException("v must be positive, got " + v);
        }
        if (k < 2) {
            throw new IllegalArgumentException("K must be at least 2, got " + k);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric must be l2, l1 or chebyshev");
        }
        if (tableBits < 4 || tableBits > 16) {
            throw new IllegalArgumentException("tableBits must be 4 to 16, got " + tableBits);
        }
        if (estimator == null) {
            throw new IllegalArgumentException("estimator must be soft or hard");
        }
    }

    /**
     * A spec trained with the {@link Estimator#SOFT} estimator.
     *
     * @param v sub-vector length
     * @param k centroids per codebook
     * @param metric the distance
     * @param tableBits width of the fixed-point table entries, 4 to 16
     * @param pad whether an input length not divisible by {@code v} is zero-padded
     */
    public LayerSpec(int v, int k, Metric metric, int tableBits, boolean pad) {
        this(v, k, metric, tableBits, pad, Estimator.SOFT);
    }

    /**
     * Returns this spec with another estimator.
     *
     * @param other the estimator
     * @return the spec
     */
    public LayerSpec withEstimator(Estimator other) {
        return new LayerSpec(v, k, metric, tableBits, pad, other);
    }

    /**
     * A spec with L2 distance, 8-bit tables and no padding.
     *
     * @param v sub-vector length
     * @param k centroids per codebook
     * @return the spec
     */
    public static LayerSpec of(int v, int k) {
        return new LayerSpec(v, k, Metric.L2, 8, false);
    }

    /**
     * Returns the bits each activation costs on the datapath: one index of
     * {@link #indexBits()} bits per {@code v} activations, {@code log2(K) / v} when {@code K} is a
     * power of two.
     *
     * @return stored bits per activation
     */
    public double bitsPerActivation() {
        return (double) indexBits() / v;
    }

    /**
     * Returns the width of a centroid index as the datapath stores it.
     *
     * @return {@code ceil(log2(K))}
     */
    public int indexBits() {
        return 32 - Integer.numberOfLeadingZeros(k - 1);
    }

    /**
     * Returns the number of codebooks for an input of length {@code d}, checking divisibility.
     *
     * @param layer the layer's name, for the message
     * @param d the input length
     * @return {@code ceil(d / v)}
     * @throws IllegalArgumentException naming the layer and the valid {@code v}s when {@code v}
     *     does not divide {@code d} and padding is off
     */
    public int codebooks(String layer, long d) {
        if (d % v != 0 && !pad) {
            List<Long> valid = new ArrayList<>();
            for (long u = 1; u <= Math.min(d, 64); u++) {
                if (d % u == 0) {
                    valid.add(u);
                }
            }
            throw new IllegalArgumentException(
                    "layer " + layer + ": v=" + v + " does not divide its input length " + d
                            + "; valid v: " + valid + ", or set pad: true");
        }
        return (int) ((d + v - 1) / v);
    }
}
