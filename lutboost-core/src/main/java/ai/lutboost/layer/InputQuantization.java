package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.Preconditions;

/**
 * The signed fixed-point grid a LUT layer's input and centroids are rounded to on the datapath
 * ({@code real = q * 2^-fractionBits}, {@code q} of {@code bits} bits, round half up, saturating).
 *
 * <p>Assignments are decided on this grid in the engine, so a float model that searches on raw
 * activations picks other centroids for a few percent of sub-vectors; rounding in the float
 * forward pass as well makes the frozen model compute what the accelerator computes.
 *
 * @param bits total width, 2 to 24
 * @param fractionBits fractional bits (negative for a grid coarser than 1)
 */
public record InputQuantization(int bits, int fractionBits) {

    /** Checks the width. */
    public InputQuantization {
        Preconditions.checkArgument(bits >= 2 && bits <= 24, "input quantization needs 2 to 24 bits, got " + bits);
    }

    /**
     * Rounds to the grid. In training the gradient passes through unchanged (straight-through);
     * outside training the result is exactly the grid value.
     *
     * @param x the values
     * @param training whether a gradient is wanted
     * @return the rounded values
     */
    public NDArray round(NDArray x, boolean training) {
        double limit = 1 << (bits - 1);
        // In float32, y + 0.5 can round up to the next integer (y = 0.5 - 2^-25 gives 1.0), so
        // the rounding runs in float64, where it is exact for every float32 input, as the
        // export's quantizer computes it.
        NDArray q = x.toType(DataType.FLOAT64, false)
                .mul(Math.scalb(1.0, fractionBits))
                .add(0.5)
                .floor()
                .clip(-limit, limit - 1)
                .mul(Math.scalb(1.0, -fractionBits))
                .toType(x.getDataType(), false);
        // x + (q - x) is q only up to float rounding; outside training the exact grid value matters.
        return training ? x.add(q.sub(x).stopGradient()) : q;
    }
}
