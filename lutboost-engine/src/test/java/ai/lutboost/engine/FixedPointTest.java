package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The primitives against a BigInteger oracle over boundary candidates, every shift and width. */
class FixedPointTest {

    private static final BigInteger TWO = BigInteger.TWO;

    /** 0, ±1, ±2^k, ±2^k±1 for k up to 62, and Long's limits. */
    static List<Long> candidates() {
        TreeSet<Long> c = new TreeSet<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE - 1, Long.MIN_VALUE + 1));
        for (int k = 1; k <= 62; k++) {
            long p = 1L << k;
            for (long v : new long[] {p, p - 1, p + 1}) {
                c.add(v);
                c.add(-v);
            }
        }
        return new ArrayList<>(c);
    }

    /** floor((x + 2^(s-1)) / 2^s) for s > 0, x * 2^-s otherwise, in unbounded integers. */
    static BigInteger roundShiftOracle(long x, int s) {
        BigInteger bx = BigInteger.valueOf(x);
        if (s > 0) {
            BigInteger[] qr = bx.add(TWO.pow(s - 1)).divideAndRemainder(TWO.pow(s));
            BigInteger q = qr[0];
            // divideAndRemainder truncates toward zero; the datapath floors.
            return qr[1].signum() < 0 ? q.subtract(BigInteger.ONE) : q;
        }
        return bx.multiply(TWO.pow(-s));
    }

    static BigInteger saturateOracle(BigInteger x, int bits) {
        BigInteger max = TWO.pow(bits - 1).subtract(BigInteger.ONE);
        BigInteger min = TWO.pow(bits - 1).negate();
        return x.max(min).min(max);
    }

    static boolean fitsLong(BigInteger x) {
        return x.bitLength() <= 63;
    }

    @Test
    void roundShiftMatchesTheOracleWhereverItIsExact() {
        int checked = 0;
        for (long x : candidates()) {
            for (int s = -FixedPoint.MAX_SHIFT; s <= FixedPoint.MAX_SHIFT; s++) {
                BigInteger expected = roundShiftOracle(x, s);
                boolean sumFits = s <= 0 || fitsLong(BigInteger.valueOf(x).add(TWO.pow(s - 1)));
                if (fitsLong(expected) && sumFits) {
                    assertEquals(expected.longValueExact(), FixedPoint.roundShiftExact(x, s), "rs(" + x + ", " + s + ")");
                    assertEquals(expected.longValueExact(), FixedPoint.roundShift(x, s), "rs(" + x + ", " + s + ")");
                    checked++;
                } else {
                    final long fx = x;
                    final int fs = s;
                    assertThrows(ArithmeticException.class, () -> FixedPoint.roundShiftExact(fx, fs), "rs(" + x + ", " + s + ")");
                }
            }
        }
        assertEquals(true, checked > 20_000, "checked " + checked);
    }

    @Test
    void roundingIsHalfUpOnBothSigns() {
        assertEquals(1, FixedPoint.roundShift(1, 1));   // 0.5 -> 1
        assertEquals(0, FixedPoint.roundShift(-1, 1));  // -0.5 -> 0
        assertEquals(-1, FixedPoint.roundShift(-3, 1)); // -1.5 -> -1
        assertEquals(2, FixedPoint.roundShift(3, 1));   // 1.5 -> 2
        assertEquals(-1, FixedPoint.roundShift(-5, 2)); // -1.25 -> floor(-0.75) = -1
        assertEquals(-1, FixedPoint.roundShift(-6, 2)); // -1.5 -> -1 (half up)
        assertEquals(-2, FixedPoint.roundShift(-7, 2)); // -1.75 -> -2
    }

    @Test
    void saturateMatchesTheOracleAtEveryWidth() {
        for (long x : candidates()) {
            for (int bits = 1; bits <= 64; bits++) {
                BigInteger expected = bits == 64 ? BigInteger.valueOf(x) : saturateOracle(BigInteger.valueOf(x), bits);
                assertEquals(expected.longValueExact(), FixedPoint.saturate(x, bits), "sat(" + x + ", " + bits + ")");
            }
        }
    }

    @Test
    void rescaleMatchesTheOracleInsideItsDomain() {
        long[] multipliers = {0, 1, 2, 3, 255, 256, 257, 32_767, 32_768, 65_535};
        for (long x : candidates()) {
            if (Math.abs((double) x) >= 0x1p46) {
                continue;
            }
            for (long m : multipliers) {
                for (int s = -8; s <= 40; s++) {
                    for (int bits : new int[] {4, 8, 16, 32}) {
                        BigInteger product = BigInteger.valueOf(x).multiply(BigInteger.valueOf(m));
                        BigInteger shifted = s > 0
                                ? roundShiftOracle(product.longValueExact(), s)
                                : product.multiply(TWO.pow(-s));
                        long expected = saturateOracle(shifted, bits).longValueExact();
                        if (fitsLong(shifted)) {
                            assertEquals(expected, FixedPoint.rescaleExact(x, m, s, bits),
                                    "rq(" + x + ", " + m + ", " + s + ", " + bits + ")");
                            assertEquals(expected, FixedPoint.rescale(x, m, s, bits),
                                    "rq(" + x + ", " + m + ", " + s + ", " + bits + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void addSaturatingClampsAtTheAccumulatorWidth() {
        for (int bits : new int[] {8, 16, 24, 32}) {
            long max = (1L << (bits - 1)) - 1;
            long min = -(1L << (bits - 1));
            assertEquals(max, FixedPoint.addSaturating(max, 1, bits));
            assertEquals(min, FixedPoint.addSaturating(min, -1, bits));
            assertEquals(max - 1, FixedPoint.addSaturating(max, -1, bits));
            assertEquals(0, FixedPoint.addSaturating(min + 1, max, bits));
            for (long a : candidates()) {
                for (long b : new long[] {0, 1, -1, max, min}) {
                    if (Math.abs((double) a) < 0x1p61) {
                        BigInteger expected = saturateOracle(BigInteger.valueOf(a).add(BigInteger.valueOf(b)), bits);
                        assertEquals(expected.longValueExact(), FixedPoint.addSaturating(a, b, bits), a + " + " + b);
                    }
                }
            }
        }
    }

    @Test
    void representableValuesRoundTripUnchanged() {
        for (long x : candidates()) {
            for (int s = 1; s <= 20; s++) {
                if (Math.abs((double) x) < 0x1p40) {
                    assertEquals(x, FixedPoint.roundShift(FixedPoint.roundShift(x, -s), s), x + " << " + s + " >> " + s);
                }
            }
        }
    }
}
