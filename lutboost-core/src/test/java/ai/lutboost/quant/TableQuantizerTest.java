package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TableQuantizerTest {

    /** q = floor(x * 2^f + 1/2), clamped, computed exactly in decimal. */
    private static long oracle(float x, int f, int bits) {
        BigDecimal scaled = new BigDecimal(x).multiply(new BigDecimal(2).pow(Math.abs(f), java.math.MathContext.UNLIMITED)
                .pow(f >= 0 ? 1 : -1, java.math.MathContext.DECIMAL128));
        long q = scaled.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact();
        return Math.max(-(1L << (bits - 1)), Math.min((1L << (bits - 1)) - 1, q));
    }

    @Test
    void everyColumnTakesTheWidestFormatItsLargestMagnitudeFits() {
        Random r = new Random(3);
        int c = 3;
        int k = 4;
        int n = 5;
        float[] table = new float[c * k * n];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) (r.nextGaussian() * Math.pow(10, i % n - 2));
        }
        for (int bits : new int[] {4, 8, 12, 16}) {
            TableQuantizer.QuantizedTable q = TableQuantizer.quantize(table, n, bits);
            long max = (1L << (bits - 1)) - 1;
            for (int col = 0; col < n; col++) {
                double maxAbs = 0;
                for (int i = col; i < table.length; i += n) {
                    maxAbs = Math.max(maxAbs, Math.abs(table[i]));
                }
                int f = q.formats()[col].fractionBits();
                assertEquals(true, Math.scalb(maxAbs, f) <= max, "column " + col + " fits at f=" + f);
                assertEquals(true, Math.scalb(maxAbs, f + 1) > max, "column " + col + " f=" + f + " is the widest");
            }
            for (int i = 0; i < table.length; i++) {
                int f = q.formats()[i % n].fractionBits();
                assertEquals(oracle(table[i], f, bits), q.values()[i], "entry " + i + " at " + bits + " bits");
                assertEquals(Math.scalb((double) q.values()[i], -f), q.dequantized()[i], 0.0, "entry " + i);
            }
        }
    }

    @Test
    void boundaryValuesSaturateAndRoundHalfUp() {
        FixedPointFormat f = new FixedPointFormat(8, 0, true);
        assertEquals(127, f.quantize(127.4));
        assertEquals(127, f.quantize(1e9));
        assertEquals(-128, f.quantize(-1e9));
        assertEquals(-128, f.quantize(-128.5));
        assertEquals(3, f.quantize(2.5));
        assertEquals(-2, f.quantize(-2.5));
        assertEquals("fixed<8,3>", new FixedPointFormat(8, 5, true).toString());
        assertEquals(new FixedPointFormat(8, 7, true), FixedPointFormat.fitting(8, 0));
    }
}
