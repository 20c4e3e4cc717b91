package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.util.Preconditions;

/**
 * The grids a residual add's operands and sum take on the datapath, so that the frozen float
 * model adds what the accelerator adds: each operand rounded to its own 8-bit format (where the
 * layer producing it rounds its accumulator), then round-shifted to the sum's fraction, added, and
 * saturated to the sum's width. Without this the float model adds exact values and rounds once,
 * at the next LUT layer's input, and a value near a grid midpoint can land one step away from the
 * datapath's, which moves that layer's nearest-centroid search.
 *
 * @param left the first operand's grid (the block's main path)
 * @param right the second operand's grid (the shortcut)
 * @param sum the sum's grid
 */
public record AddRounding(InputQuantization left, InputQuantization right, InputQuantization sum) {

    /**
     * Width of the round-shift to the sum's fraction. The datapath does not saturate there, only
     * after the add, so an operand must fit this width at the sum's fraction.
     */
    private static final int SHIFT_BITS = 24;

    /** Checks that the round-shift to the sum's fraction cannot saturate. */
    public AddRounding {
        for (InputQuantization operand : new InputQuantization[] {left, right}) {
            Preconditions.checkArgument(operand.bits() + sum.fractionBits() - operand.fractionBits() <= SHIFT_BITS,
                    "an operand of " + operand.bits() + " bits at 2^-" + operand.fractionBits() + " does not fit "
                            + SHIFT_BITS + " bits at the sum's 2^-" + sum.fractionBits());
        }
    }

    /**
     * Adds as the datapath does. In training the gradient of every rounding passes straight
     * through.
     *
     * @param a the first operand
     * @param b the second operand
     * @param training whether a gradient is wanted
     * @return the saturated sum, on the sum's grid
     */
    public NDArray add(NDArray a, NDArray b, boolean training) {
        InputQuantization shift = new InputQuantization(SHIFT_BITS, sum.fractionBits());
        NDArray l = shift.round(left.round(a, training), training);
        NDArray r = shift.round(right.round(b, training), training);
        return sum.round(l.add(r), training);
    }
}
