package ai.lutboost.quant;

/**
 * Quantizes a LUT layer's table {@code [C, K, N]} to signed {@code bits}-bit integers with a
 * power-of-two scale per output column (DESIGN §5): column {@code n} takes the widest format in
 * which its largest magnitude fits, so no entry saturates.
 */
public final class TableQuantizer {

    /**
     * A quantized table.
     *
     * @param values the integers {@code q}, {@code [C][K][N]} flattened
     * @param formats the format of each output column
     * @param dequantized {@code q * 2^-f}, exactly representable in float32 for up to 24 bits
     */
    public record QuantizedTable(int[] values, FixedPointFormat[] formats, float[] dequantized) {

        /**
         * Returns the fractional bits of each column.
         *
         * @return {@code [N]}
         */
        public int[] fractionBits() {
            int[] f = new int[formats.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = formats[i].fractionBits();
            }
            return f;
        }
    }

    private TableQuantizer() {}

    /**
     * Quantizes a table.
     *
     * @param table {@code [C][K][N]} flattened
     * @param units {@code N}
     * @param bits the width, 4 to 16
     * @return the quantized table
     */
    public static QuantizedTable quantize(float[] table, int units, int bits) {
        if (table.length % units != 0) {
            throw new IllegalArgumentException("table length " + table.length + " is not a multiple of " + units);
        }
        double[] maxAbs = new double[units];
        for (int i = 0; i < table.length; i++) {
            maxAbs[i % units] = Math.max(maxAbs[i % units], Math.abs(table[i]));
        }
        FixedPointFormat[] formats = new FixedPointFormat[units];
        for (int n = 0; n < units; n++) {
            formats[n] = FixedPointFormat.fitting(bits, maxAbs[n]);
        }
        int[] values = new int[table.length];
        float[] dequantized = new float[table.length];
        for (int i = 0; i < table.length; i++) {
            FixedPointFormat f = formats[i % units];
            values[i] = (int) f.quantize(table[i]);
            dequantized[i] = (float) f.toReal(values[i]);
        }
        return new QuantizedTable(values, formats, dequantized);
    }
}
