package ai.lutboost.quant;

/**
 * A fixed-point type: {@code real = q * 2^-fractionBits} with {@code q} an integer of
 * {@code bits} bits, two's complement when signed. Rounding is half up and overflow saturates
 * (DESIGN §5); the enums name them so the choice is visible where a format is used.
 *
 * @param bits total width, 2 to 32
 * @param fractionBits bits after the binary point; negative or above {@code bits} is allowed
 * @param signed whether {@code q} is signed
 */
public record FixedPointFormat(int bits, int fractionBits, boolean signed) {

    /** How values between two representable ones are rounded. */
    public enum Rounding {
        /** To the nearest, ties toward positive infinity: {@code floor(x + 1/2)}. */
        HALF_UP
    }

    /** What happens to values outside the range. */
    public enum Overflow {
        /** Clamped to the nearest limit. */
        SATURATE
    }

    /** Validates the width. */
    public FixedPointFormat {
        if (bits < 2 || bits > 32) {
            throw new IllegalArgumentException("bits must be 2 to 32, got " + bits);
        }
    }

    /**
     * Returns the smallest integer {@code q}.
     *
     * @return {@code -2^(bits-1)} when signed, else 0
     */
    public long minInt() {
        return signed ? -(1L << (bits - 1)) : 0;
    }

    /**
     * Returns the largest integer {@code q}.
     *
     * @return {@code 2^(bits-1) - 1} when signed, else {@code 2^bits - 1}
     */
    public long maxInt() {
        return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }

    /**
     * Quantizes a real value: {@code sat(floor(x * 2^f + 1/2))}.
     *
     * @param x the value
     * @return the integer {@code q}
     */
    public long quantize(double x) {
        double scaled = Math.floor(Math.scalb(x, fractionBits) + 0.5);
        return (long) Math.max(minInt(), Math.min(maxInt(), scaled));
    }

    /**
     * Returns the real value of an integer.
     *
     * @param q the integer
     * @return {@code q * 2^-f}
     */
    public double toReal(long q) {
        return Math.scalb((double) q, -fractionBits);
    }

    /**
     * The widest fraction such that {@code maxAbs} still fits without saturating, as a signed
     * power-of-two scale is chosen for a table column.
     *
     * @param bits total width
     * @param maxAbs the largest magnitude to represent
     * @return the format; for {@code maxAbs == 0}, {@code bits - 1} fractional bits
     */
    public static FixedPointFormat fitting(int bits, double maxAbs) {
        if (!(maxAbs > 0) || Double.isInfinite(maxAbs)) {
            return new FixedPointFormat(bits, bits - 1, true);
        }
        double limit = (1L << (bits - 1)) - 1;
        // floor(log2(limit / maxAbs)) keeps maxAbs * 2^f <= limit, so rounding cannot overflow.
        int f = (int) Math.floor(Math.log(limit / maxAbs) / Math.log(2));
        while (Math.scalb(maxAbs, f) > limit) {
            f--;
        }
        while (Math.scalb(maxAbs, f + 1) <= limit) {
            f++;
        }
        return new FixedPointFormat(bits, f, true);
    }

    /**
     * HDL notation, as hls4ml writes it: {@code fixed<8,3>} has 8 bits, 3 of them integer.
     *
     * @return the notation
     */
    @Override
    public String toString() {
        return (signed ? "fixed<" : "ufixed<") + bits + "," + (bits - fractionBits) + ">";
    }
}
