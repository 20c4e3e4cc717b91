package ai.lutboost.engine;

/**
 * The fixed-point primitives of the datapath (DESIGN §5), exactly as hardware computes them.
 *
 * <p>Values are two's-complement integers held in {@code long}. Each primitive states the range
 * in which it is exact; the datapath keeps every operand inside it (activations and tables of at
 * most 16 bits, accumulators of at most 32, multipliers below {@code 2^16}), and the checked
 * variants throw {@link ArithmeticException} naming the operands when a caller steps outside.
 */
public final class FixedPoint {

    /** The largest shift magnitude: shifting a {@code long} by 63 or more is not a shift. */
    public static final int MAX_SHIFT = 62;

    private FixedPoint() {}

    /**
     * Round-shift: {@code (x + 2^(s-1)) >> s} for {@code s > 0} (round half up, arithmetic
     * shift), {@code x << -s} for {@code s <= 0}.
     *
     * <p>Exact for {@code |x| < 2^62} and {@code 0 < s <= 62}: then {@code x + 2^(s-1)} stays below
     * {@code 2^62 + 2^61 < 2^63}. For {@code s <= 0} the caller keeps {@code |x| * 2^-s < 2^63};
     * {@link #roundShiftExact} checks both.
     *
     * @param x the value
     * @param s the shift, {@code -62 <= s <= 62}
     * @return the shifted value
     */
    public static long roundShift(long x, int s) {
        if (s > 0) {
            return (x + (1L << (s - 1))) >> s;
        }
        return x << -s;
    }

    /**
     * {@link #roundShift} that throws instead of overflowing.
     *
     * @param x the value
     * @param s the shift
     * @return the shifted value
     * @throws ArithmeticException if the shift is out of range or the result does not fit
     */
    public static long roundShiftExact(long x, int s) {
        if (s < -MAX_SHIFT || s > MAX_SHIFT) {
            throw new ArithmeticException("roundShift(" + x + ", " + s + "): shift out of [-62, 62]");
        }
        if (s > 0) {
            if (x > Long.MAX_VALUE - (1L << (s - 1))) {
                throw new ArithmeticException("roundShift(" + x + ", " + s + "): x + 2^(s-1) overflows");
            }
            return roundShift(x, s);
        }
        long shifted = x << -s;
        if (shifted >> -s != x) {
            throw new ArithmeticException("roundShift(" + x + ", " + s + "): x * 2^" + -s + " overflows");
        }
        return shifted;
    }

    /**
     * Saturate: clamps to the signed range of {@code bits} bits,
     * {@code [-2^(bits-1), 2^(bits-1) - 1]}.
     *
     * @param x the value
     * @param bits the width, 1 to 64
     * @return the clamped value
     */
    public static long saturate(long x, int bits) {
        if (bits >= 64) {
            return x;
        }
        long max = (1L << (bits - 1)) - 1;
        long min = -(1L << (bits - 1));
        return x > max ? max : Math.max(x, min);
    }

    /**
     * Rescale: {@code sat(rs(x * m, s), outBits)}, for moving a value between formats with an
     * integer multiplier ({@code m = 1} for a power-of-two scale).
     *
     * <p>Exact when {@code |x| < 2^46} and {@code 0 <= m < 2^16}: then {@code |x * m| < 2^62},
     * which {@link #roundShift} takes exactly.
     *
     * @param x the value
     * @param m the multiplier
     * @param s the shift
     * @param outBits the output width
     * @return the rescaled value
     */
    public static long rescale(long x, long m, int s, int outBits) {
        return saturate(roundShift(x * m, s), outBits);
    }

    /**
     * {@link #rescale} that throws instead of overflowing.
     *
     * @param x the value
     * @param m the multiplier
     * @param s the shift
     * @param outBits the output width
     * @return the rescaled value
     * @throws ArithmeticException if {@code x * m} or the shift overflows
     */
    public static long rescaleExact(long x, long m, int s, int outBits) {
        long product;
        try {
            product = Math.multiplyExact(x, m);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("rescale(" + x + ", " + m + ", " + s + "): x * m overflows");
        }
        return saturate(roundShiftExact(product, s), outBits);
    }

    /**
     * Saturating add: {@code sat(acc + v, bits)}, the accumulator step.
     *
     * <p>Exact when both operands are within 63-bit range, as they are when each fits in
     * {@code bits <= 62} bits.
     *
     * @param acc the accumulator
     * @param v the addend
     * @param bits the accumulator width
     * @return the saturated sum
     */
    public static long addSaturating(long acc, long v, int bits) {
        return saturate(acc + v, bits);
    }
}
