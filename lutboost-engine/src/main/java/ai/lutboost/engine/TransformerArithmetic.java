package ai.lutboost.engine;

/**
 * Integer-only softmax, GELU, LayerNorm and square root, in the manner of I-BERT (Kim et al.,
 * 2021), with the constants and steps of {@code docs/datapath.md} §10.
 *
 * <p>Every function takes integers in a power-of-two format ({@code real = q * 2^-f}) and returns
 * integers; no floating point is involved. Each states the bound that keeps every intermediate
 * below {@code 2^62}, so no {@code long} arithmetic here can overflow.
 */
public final class TransformerArithmetic {

    /** Fractional bits of the exponential's internal argument. */
    public static final int EXP_FRACTION = 16;
    /** {@code round(ln 2 * 2^16)}. */
    public static final long EXP_LN2 = 45_426;
    /** {@code round(1.353 * 2^16)}: the polynomial's {@code b}. */
    public static final long EXP_B = 88_670;
    /** {@code round(0.344 / 0.3585 * 2^32)}: the polynomial's {@code c / a}. */
    public static final long EXP_C = 4_121_251_743L;
    /** Fractional bits of softmax probabilities, stored unsigned in 8 bits. */
    public static final int SOFTMAX_FRACTION = 8;
    /**
     * Fractional bits of GELU's internal argument: 10 keeps every intermediate below
     * {@code 2^53}, so a float64 simulation holds them exactly.
     */
    public static final int GELU_FRACTION = 10;
    /** {@code round(1.769 * sqrt(2) * 2^10)}: where the erf polynomial reaches its end. */
    public static final long GELU_B = 2_562;
    /** {@code round(2^21 / 0.2888)}: the polynomial's {@code 1 / |a|} at the argument's scale. */
    public static final long GELU_C = 7_261_607;
    /** {@code round(0.2888 * 2^16)}: the multiplier that brings GELU's product to a power-of-two scale. */
    public static final long GELU_M = 18_927;
    /** Fractional bits of LayerNorm's normalized values. */
    public static final int NORM_FRACTION = 12;

    private TransformerArithmetic() {}

    /**
     * Integer square root, {@code floor(sqrt(n))}, by Newton's iteration from above:
     * {@code x <- (x + n / x) / 2} until it stops decreasing.
     *
     * <p>The start {@code 2^ceil(bits(n) / 2) <= 2^32} is at least {@code sqrt(n)}, and every
     * iterate stays between {@code floor(sqrt(n))} and the start, so {@code n / x < 2^32 + 2}:
     * {@code x + n / x < 2^34} for every non-negative {@code long}.
     *
     * @param n the radicand, {@code >= 0}
     * @return {@code floor(sqrt(n))}
     * @throws ArithmeticException if {@code n < 0}
     */
    public static long sqrt(long n) {
        if (n < 0) {
            throw new ArithmeticException("sqrt(" + n + "): negative radicand");
        }
        if (n < 2) {
            return n;
        }
        int bits = 64 - Long.numberOfLeadingZeros(n);
        long x = 1L << ((bits + 1) / 2);
        while (true) {
            long next = (x + n / x) >> 1;
            if (next >= x) {
                return x;
            }
            x = next;
        }
    }

    /**
     * Integer exponential of a non-positive argument, up to a constant factor:
     * {@code exp(q * 2^-f) ~= exp(q, f) * 0.3585 * 2^-32}.
     *
     * <p>Steps: {@code x = rs(q, f - 16)}; {@code z = floor(-x / EXP_LN2)}; {@code p = x + z *
     * EXP_LN2} in {@code (-EXP_LN2, 0]}; {@code e = ((p + EXP_B)^2 + EXP_C) >> z}, or 0 when
     * {@code z >= 63}. {@code p + EXP_B} lies in {@code (43244, 88670]}, so {@code e < 2^34}.
     * The argument must satisfy {@code |q| * 2^(16 - f) < 2^62}, as any 16-bit value with
     * {@code f >= -30} does.
     *
     * @param q the argument, {@code <= 0}
     * @param f its fractional bits
     * @return the scaled exponential, {@code 0 <= e < 2^34}
     */
    public static long exp(long q, int f) {
        long x = FixedPoint.roundShift(q, f - EXP_FRACTION);
        long z = -x / EXP_LN2;
        if (z >= 63) {
            return 0;
        }
        long p = x + z * EXP_LN2 + EXP_B;
        return (p * p + EXP_C) >> z;
    }

    /**
     * Integer softmax over {@code n} entries: {@code out[i] = min(255, (e_i * 2^8 + sum / 2) /
     * sum)} with {@code e_i = exp(q_i - max q, f)}; the output is unsigned, {@code real = out *
     * 2^-8}.
     *
     * <p>Each {@code e_i < 2^34} and the largest is at least {@code EXP_B^2 + EXP_C > 0}, so for
     * {@code n < 2^27} the sum stays below {@code 2^61} and {@code e_i * 2^8} below {@code 2^42}.
     *
     * @param q the scores
     * @param from the first entry
     * @param n how many entries
     * @param f the scores' fractional bits
     * @param out receives the probabilities
     * @param to where the first goes
     */
    public static void softmax(long[] q, int from, int n, int f, long[] out, int to) {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, q[from + i]);
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long e = exp(q[from + i] - max, f);
            out[to + i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) {
            out[to + i] = Math.min(255, ((out[to + i] << SOFTMAX_FRACTION) + sum / 2) / sum);
        }
    }

    /**
     * Integer GELU, {@code x * (1 + erf(x / sqrt(2))) / 2}, with I-BERT's second-order erf.
     *
     * <p>Steps: {@code x = rs(q, f - 10)}. Where {@code |x| >= GELU_B} the polynomial is flat and
     * GELU is {@code x} or 0: the result is {@code sat(rs(x, 10 - fOut), outBits)} for
     * {@code x > 0}, else 0. Otherwise {@code L = sign(x) * ((|x| - GELU_B)^2 - GELU_C)} (the erf,
     * at scale {@code -0.2888 * 2^-21}), {@code P = x * (GELU_C - L)} (GELU, at scale
     * {@code 0.2888 * 2^-32}), and the result {@code sat(rs(P * GELU_M, 48 - fOut), outBits)}.
     * There {@code |x| < 2^12}, {@code |GELU_C - L| < 2^24}, so {@code |P| < 2^36} and
     * {@code |P * GELU_M| < 2^51}. Any 16-bit input with {@code f >= -36} keeps {@code x} below
     * {@code 2^62}.
     *
     * @param q the input
     * @param f its fractional bits
     * @param fOut the output's fractional bits, {@code -14 <= fOut <= 47}
     * @param outBits the output's width
     * @return the output
     */
    public static long gelu(long q, int f, int fOut, int outBits) {
        long x = FixedPoint.roundShift(q, f - GELU_FRACTION);
        long t = Math.abs(x);
        if (t >= GELU_B) {
            return x > 0 ? FixedPoint.rescale(x, 1, GELU_FRACTION - fOut, outBits) : 0;
        }
        long d = t - GELU_B;
        long erf = Long.signum(x) * (d * d - GELU_C);
        long p = x * (GELU_C - erf);
        return FixedPoint.rescale(p, GELU_M, 48 - fOut, outBits);
    }

    /**
     * {@code floor(a / divisor)} from the divisor's reciprocal, for many dividends of one divisor.
     * The double product is within {@code |a / divisor| 2^-52} of the quotient. A quotient that is
     * not an integer lies at least {@code 1 / divisor} from the next one, more than that error
     * while {@code |a| < 2^40}, so its floor is right; an integer quotient may come out just
     * below itself, which one product with the divisor detects.
     *
     * @param a the dividend, {@code |a| < 2^40}
     * @param divisor at least 1, below {@code 2^40}
     * @param inverse {@code 1.0 / divisor}
     * @return the floored quotient
     */
    static long floorDivide(long a, long divisor, double inverse) {
        long n = (long) Math.floor(a * inverse);
        return (n + 1) * divisor == a ? n + 1 : n;
    }

    /**
     * Integer LayerNorm over {@code d} entries:
     * {@code y_i = gamma_i * (x_i - mean) / sqrt(var + eps) + beta_i}.
     *
     * <p>Steps: {@code s = sum q}; {@code c_i = d * q_i - s} (that is {@code d (x_i - mean)} in
     * the input's units); {@code sigma = sqrt(floor(sum c_i^2 / d) + epsilon)} (that is
     * {@code d * std}); {@code n_i = floor(c_i * 2^12 / sigma)}; {@code y_i = sat(rs(n_i *
     * gamma_i + beta_i, 12 + fGamma - fOut), outBits)}. For 8-bit inputs and {@code d <= 4096}:
     * {@code |c_i| < 2^20}, {@code sum c_i^2 < 2^52}, {@code |c_i * 2^12| < 2^32};
     * {@code |n_i| <= sqrt(d) * 2^12 < 2^19}, so with 16-bit gammas and betas below {@code 2^40}
     * the sum {@code n_i * gamma_i + beta_i} stays below {@code 2^41}.
     *
     * @param q the input
     * @param from the first entry
     * @param d how many entries, {@code 1 <= d <= 4096}
     * @param epsilon {@code eps * d^2 * 2^(2 f)} rounded, at least 1, so {@code sigma > 0}
     * @param gamma scale per entry, 16-bit, {@code real = gamma * 2^-fGamma}
     * @param fGamma gamma's fractional bits
     * @param beta offset per entry, at scale {@code 2^-(12 + fGamma)}
     * @param fOut the output's fractional bits
     * @param outBits the output's width
     * @param out receives the outputs
     * @param to where the first goes
     */
    public static void layerNorm(long[] q, int from, int d, long epsilon, long[] gamma, int fGamma, long[] beta,
            int fOut, int outBits, long[] out, int to) {
        long s = 0;
        for (int i = 0; i < d; i++) {
            s += q[from + i];
        }
        long v = 0;
        for (int i = 0; i < d; i++) {
            long c = d * q[from + i] - s;
            v += c * c;
        }
        long sigma = sqrt(v / d + epsilon);
        int shift = NORM_FRACTION + fGamma - fOut;
        // One reciprocal per row: a long division per entry was the third most sampled line of the
        // ViT-tiny's engine (JFR).
        double inverse = 1.0 / sigma;
        for (int i = 0; i < d; i++) {
            long n = floorDivide((d * q[from + i] - s) << NORM_FRACTION, sigma, inverse);
            out[to + i] = FixedPoint.rescale(n * gamma[i] + beta[i], 1, shift, outBits);
        }
    }
}
