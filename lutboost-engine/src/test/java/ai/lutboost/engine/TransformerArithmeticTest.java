package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The integer transformer operators against their float counterparts, each within a bound
 * derived from its formats and its polynomial's own error, and the square root against
 * {@link BigInteger#sqrt}.
 */
class TransformerArithmeticTest {

    private static final double EXP_A = 0.3585;

    @Test
    void squareRootMatchesBigIntegerAtEveryBoundary() {
        List<Long> values = new ArrayList<>();
        for (long n = 0; n <= 4096; n++) {
            values.add(n);
        }
        for (int j = 0; j < 63; j++) {
            long p = 1L << j;
            values.add(p - 1);
            values.add(p);
            values.add(p + 1);
        }
        // Around every square a root of 2^j, 2^j - 1 or 2^j + 1 makes, up to the largest square in a long.
        for (int j = 1; j <= 31; j++) {
            for (long k : new long[] {(1L << j) - 1, 1L << j, (1L << j) + 1}) {
                long sq = k * k;
                values.add(sq - 1);
                values.add(sq);
                values.add(sq + 1);
            }
        }
        long largest = 3_037_000_499L;
        values.add(largest * largest - 1);
        values.add(largest * largest);
        values.add(largest * largest + 1);
        values.add(Long.MAX_VALUE - 1);
        values.add(Long.MAX_VALUE);
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            values.add((r.nextLong() >>> 1) >>> r.nextInt(63));
        }
        for (long n : values) {
            assertEquals(BigInteger.valueOf(n).sqrt().longValueExact(), TransformerArithmetic.sqrt(n), "sqrt(" + n + ")");
        }
        assertThrows(ArithmeticException.class, () -> TransformerArithmetic.sqrt(-1));
        assertThrows(ArithmeticException.class, () -> TransformerArithmetic.sqrt(Long.MIN_VALUE));
    }

    /** The largest relative error of I-BERT's {@code 0.3585 (p + 1.353)^2 + 0.344} on {@code (-ln 2, 0]}. */
    private static double expPolynomialError() {
        double worst = 0;
        for (int i = 0; i <= 100_000; i++) {
            double p = -Math.log(2) * i / 100_000;
            double poly = EXP_A * (p + 1.353) * (p + 1.353) + 0.344;
            worst = Math.max(worst, Math.abs(poly / Math.exp(p) - 1));
        }
        return worst;
    }

    @Test
    void exponentialIsWithinItsPolynomialErrorForEveryInput() {
        double poly = expPolynomialError();
        assertTrue(poly < 0.004, "I-BERT's polynomial is good to 0.4 %: " + poly);
        for (int f : new int[] {0, 4, 8, 12, 16}) {
            for (long q = 0; q >= -(1 << 15); q--) {
                double x = Math.scalb((double) q, -f);
                double real = TransformerArithmetic.exp(q, f) * EXP_A * Math.scalb(1.0, -32);
                double exact = Math.exp(x);
                int z = (int) Math.floor(-x / Math.log(2));
                // The polynomial's error; the constants b and c/a rounded to 2^-16 and 2^-32 move
                // the value by at most 2^-16 / 0.66 relative (p + b > 0.66); ln 2 rounded to 2^-16
                // moves p by z * 2^-17; the final floor by one unit, 0.3585 * 2^-32.
                double bound = exact * (poly + Math.scalb(1.0, -15) + (z + 1) * Math.scalb(1.0, -16))
                        + EXP_A * Math.scalb(1.0, -32);
                assertTrue(Math.abs(real - exact) <= bound,
                        "exp(" + q + " * 2^-" + f + "): " + real + " against " + exact + ", bound " + bound);
            }
        }
    }

    @Test
    void softmaxIsWithinTwiceTheExponentialErrorPlusOneStep() {
        double eps = expPolynomialError() + Math.scalb(1.0, -15) + Math.scalb(1.0, -12);
        Random r = new Random(11);
        for (int f : new int[] {2, 4, 8}) {
            for (int row = 0; row < 500; row++) {
                int n = 1 + r.nextInt(64);
                long[] q = new long[n];
                double spread = Math.scalb(1.0, f) * (1 + r.nextInt(12));
                for (int i = 0; i < n; i++) {
                    q[i] = Math.round(r.nextGaussian() * spread);
                }
                long[] out = new long[n];
                TransformerArithmetic.softmax(q, 0, n, f, out, 0);
                double max = Double.NEGATIVE_INFINITY;
                for (long v : q) {
                    max = Math.max(max, Math.scalb((double) v, -f));
                }
                double sum = 0;
                for (long v : q) {
                    sum += Math.exp(Math.scalb((double) v, -f) - max);
                }
                for (int i = 0; i < n; i++) {
                    double exact = Math.exp(Math.scalb((double) q[i], -f) - max) / sum;
                    // Every e_i is within eps relative (the entries that matter have z <= 8, and
                    // tiny entries' floor errors are covered by the 2^-12 in eps), so each ratio is
                    // within 2 eps / (1 - eps); rounding to 2^-8 adds 2^-9, clamping 1.0 to 255/256 adds 2^-8.
                    double bound = 2 * eps / (1 - eps) + Math.scalb(1.0, -8);
                    assertTrue(out[i] >= 0 && out[i] <= 255);
                    assertTrue(Math.abs(out[i] / 256.0 - exact) <= bound,
                            "softmax entry " + i + " of " + n + ": " + out[i] / 256.0 + " against " + exact);
                }
            }
        }
    }

    /** I-BERT's {@code sign(u) (-0.2888 (min(|u|, 1.769) - 1.769)^2 + 1)}. */
    private static double erfPolynomial(double u) {
        double t = Math.min(Math.abs(u), 1.769) - 1.769;
        return Math.signum(u) * (-0.2888 * t * t + 1);
    }

    @Test
    void geluIsWithinItsPolynomialErrorForEveryEightBitInput() {
        double erfError = erfPolynomialError();
        // The polynomial is 0.096 at u = 0+ (a b^2 + 1): its worst error, harmless in GELU, where
        // it is multiplied by x.
        assertTrue(erfError < 0.1, "I-BERT's erf polynomial is good to 0.1: " + erfError);
        for (int f : new int[] {0, 2, 4, 5, 7}) {
            for (int fOut : new int[] {f - 1, f, f + 1}) {
                for (long q = -128; q <= 127; q++) {
                    double x = Math.scalb((double) q, -f);
                    long got = TransformerArithmetic.gelu(q, f, fOut, 8);
                    double exact = 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
                    double limit = Math.scalb(127.0, -fOut);
                    double clipped = Math.max(Math.scalb(-128.0, -fOut), Math.min(limit, exact));
                    // The erf polynomial's error times |x| / 2; the constants rounded to 2^-10
                    // (b) and 2^-21 (c) and the multiplier to 2^-16 add under 10^-3 |x|; rounding the
                    // result adds half a step of the output format.
                    double bound = Math.abs(x) * (erfError / 2 + 1e-3) + Math.scalb(1.0, -fOut - 1);
                    double real = Math.scalb((double) got, -fOut);
                    assertTrue(Math.abs(real - clipped) <= bound,
                            "gelu(" + q + " * 2^-" + f + ") to 2^-" + fOut + ": " + real + " against " + exact);
                }
            }
        }
    }

    /** The largest error of I-BERT's erf polynomial over a fine grid of [-6, 6]. */
    private static double erfPolynomialError() {
        double erfError = 0;
        for (int i = -100_000; i <= 100_000; i++) {
            double u = i * 6.0 / 100_000;
            erfError = Math.max(erfError, Math.abs(erfPolynomial(u) - Erf.erf(u)));
        }
        return erfError;
    }

    @Test
    void geluIsWithinItsPolynomialErrorForEverySixteenBitInput() {
        // The transformer graph feeds GELU 16-bit inputs and keeps 8-bit outputs.
        double erfError = erfPolynomialError();
        for (int f : new int[] {6, 9, 12}) {
            for (int fOut : new int[] {3, 5}) {
                for (long q = -32768; q <= 32767; q++) {
                    double x = Math.scalb((double) q, -f);
                    long got = TransformerArithmetic.gelu(q, f, fOut, 8);
                    double exact = 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
                    double clipped = Math.max(Math.scalb(-128.0, -fOut), Math.min(Math.scalb(127.0, -fOut), exact));
                    // As for 8 bits, plus for f > 10 the input's rounding to 2^-10 (half a step,
                    // times GELU's largest slope 1.13).
                    double bound = Math.abs(x) * (erfError / 2 + 1e-3) + Math.scalb(1.0, -fOut - 1)
                            + (f > 10 ? 1.13 * Math.scalb(1.0, -11) : 0);
                    double real = Math.scalb((double) got, -fOut);
                    assertTrue(Math.abs(real - clipped) <= bound,
                            "gelu(" + q + " * 2^-" + f + ") to 2^-" + fOut + ": " + real + " against " + exact);
                }
            }
        }
    }

    @Test
    void floorDivisionFromTheReciprocalIsExact() {
        // Multiples of the divisor, whose double quotient can fall just below the integer, and their
        // neighbours, up to the dividends layerNorm forms.
        Random r = new Random(29);
        int corrected = 0;
        for (int trial = 0; trial < 200_000; trial++) {
            long divisor = trial < 100_000 ? 1 + trial % 5000 : 1 + (r.nextLong() >>> 25);
            long quotient = r.nextLong() % ((1L << 40) / divisor);
            for (long a : new long[] {quotient * divisor - 1, quotient * divisor, quotient * divisor + 1}) {
                double inverse = 1.0 / divisor;
                long guess = (long) Math.floor(a * inverse);
                long expected = Math.floorDiv(a, divisor);
                corrected += guess != expected ? 1 : 0;
                assertEquals(expected, TransformerArithmetic.floorDivide(a, divisor, inverse), a + " / " + divisor);
            }
        }
        assertTrue(corrected > 0, "the correction is exercised");
    }

    @Test
    void layerNormNormalisesByAnExactFlooredDivision() {
        // Rows at the ends of the input range (two levels, one entry apart, or spread between),
        // of 8-bit inputs up to d = 4096 and 16-bit ones up to d = 64 (the sum of squares bounds
        // both), against the steps of the Javadoc with a long division per entry. The quotients
        // that need floorDivide's correction are in floorDivisionFromTheReciprocalIsExact.
        Random r = new Random(23);
        for (int trial = 0; trial < 600; trial++) {
            int bits = trial % 2 == 0 ? 8 : 16;
            int d = new int[] {2, 3, 16, 64, bits == 8 ? 4096 : 64}[trial % 5];
            long max = (1L << (bits - 1)) - 1;
            long[] q = new long[d];
            long low = -max - 1 + r.nextInt(4);
            long high = max - r.nextInt(4);
            for (int i = 0; i < d; i++) {
                q[i] = switch (trial % 3) {
                    case 0 -> i % 2 == 0 ? low : high;
                    case 1 -> i == d - 1 ? high : low;
                    default -> low + (long) (r.nextDouble() * (high - low));
                };
            }
            long epsilon = 1 + r.nextInt(trial % 4 == 0 ? 1 : 1 << 20);
            long[] gamma = new long[d];
            long[] beta = new long[d];
            for (int i = 0; i < d; i++) {
                gamma[i] = r.nextInt(1 << 16) - (1 << 15);
                beta[i] = r.nextLong() % (1L << 36);
            }
            long[] out = new long[d];
            TransformerArithmetic.layerNorm(q, 0, d, epsilon, gamma, 12, beta, 4, 8, out, 0);
            long s = sum(q);
            long sigma = TransformerArithmetic.sqrt(centredSquares(q, s) / d + epsilon);
            for (int i = 0; i < d; i++) {
                long n = Math.floorDiv((d * q[i] - s) << TransformerArithmetic.NORM_FRACTION, sigma);
                long expected = FixedPoint.rescale(n * gamma[i] + beta[i], 1, TransformerArithmetic.NORM_FRACTION + 8, 8);
                assertEquals(expected, out[i], "trial " + trial + ", d " + d + ", entry " + i);
            }
        }
    }

    @Test
    void layerNormIsWithinItsRoundingBound() {
        Random r = new Random(17);
        int fGamma = 12;
        int fOut = 4;
        for (int trial = 0; trial < 400; trial++) {
            // 8-bit inputs at several widths, and the 16-bit inputs of a transformer's residual stream at D = 64.
            int bits = trial % 4 == 3 ? 16 : 8;
            int d = bits == 16 ? 64 : new int[] {16, 64, 192}[trial % 3];
            int f = 2 + r.nextInt(5) + (bits - 8);
            long[] q = new long[d];
            long spread = (4 + r.nextInt(60)) << (bits - 8);
            long offset = (r.nextInt(41) - 20) << (bits - 8);
            long max = (1L << (bits - 1)) - 1;
            for (int i = 0; i < d; i++) {
                q[i] = Math.max(-max - 1, Math.min(max, offset + Math.round(r.nextGaussian() * spread)));
            }
            long[] gamma = new long[d];
            long[] beta = new long[d];
            double[] g = new double[d];
            double[] b = new double[d];
            for (int i = 0; i < d; i++) {
                gamma[i] = Math.round(Math.scalb(0.5 + r.nextDouble(), fGamma));
                g[i] = Math.scalb((double) gamma[i], -fGamma);
                beta[i] = Math.round(Math.scalb(r.nextGaussian(), 12 + fGamma));
                b[i] = Math.scalb((double) beta[i], -12 - fGamma);
            }
            double eps = 1e-5;
            long epsilon = Math.max(1, Math.round(eps * d * d * Math.scalb(1.0, 2 * f)));
            long[] out = new long[d];
            TransformerArithmetic.layerNorm(q, 0, d, epsilon, gamma, fGamma, beta, fOut, 8, out, 0);

            double mean = 0;
            for (long v : q) {
                mean += Math.scalb((double) v, -f) / d;
            }
            double var = 0;
            for (long v : q) {
                double c = Math.scalb((double) v, -f) - mean;
                var += c * c / d;
            }
            double std = Math.sqrt(var + eps);
            // sigma is d * std in input units, floored twice (the division by d and the root):
            // relatively at most 1 / sigma + d / sum c^2 below; n_i is floored to 2^-12.
            long v2 = centredSquares(q, sum(q));
            double sigma = TransformerArithmetic.sqrt(v2 / d + epsilon);
            double relative = 1 / sigma + (double) d / Math.max(1, v2) + 1e-12;
            for (int i = 0; i < d; i++) {
                double n = (Math.scalb((double) q[i], -f) - mean) / std;
                double exact = g[i] * n + b[i];
                double clipped = Math.max(Math.scalb(-128.0, -fOut), Math.min(Math.scalb(127.0, -fOut), exact));
                double bound = g[i] * (Math.abs(n) * 1.01 * relative + Math.scalb(1.0, -12)) + Math.scalb(1.0, -fOut - 1)
                        + 1e-9;
                double real = Math.scalb((double) out[i], -fOut);
                assertTrue(Math.abs(real - clipped) <= bound, "layerNorm entry " + i + " of " + d + ": " + real
                        + " against " + exact + ", bound " + bound);
            }
        }
    }

    private static long sum(long[] q) {
        long s = 0;
        for (long x : q) {
            s += x;
        }
        return s;
    }

    /** {@code sum (d q_i - s)^2}, the LayerNorm's variance in its own units. */
    private static long centredSquares(long[] q, long s) {
        long v = 0;
        for (long x : q) {
            v += (q.length * x - s) * (q.length * x - s);
        }
        return v;
    }
}
