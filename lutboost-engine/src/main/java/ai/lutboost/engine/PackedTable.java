package ai.lutboost.engine;

/**
 * A LUT layer's table with several entries in each {@code long}, so that one {@code long} add sums
 * several columns at once.
 *
 * <p>Entries of {@code b <= 8} bits take 16-bit lanes (four per {@code long}), wider ones 32-bit
 * lanes (two). Each entry is stored plus {@code 2^(b-1)}, in {@code [0, 2^b - 1]}, so a lane's
 * sum of {@link #group} rows is at most {@code group (2^b - 1) <= 2^lane - 1}: it never carries
 * into the next lane, and {@link #unpack} recovers the exact signed sum by taking the offsets
 * back off. For 8-bit tables a group is 257 rows, for 16-bit ones 65,537.
 */
final class PackedTable {

    /** {@code long}s per table row. */
    final int words;
    /** How many rows' words can be added before the sums are unpacked. */
    final int group;
    /** Row {@code r}'s column {@code n} in lane {@code n % lanes} of {@code data[r words + n / lanes]}. */
    final long[] data;
    private final int units;
    private final int laneBits;
    private final int lanes;
    private final long offset;
    private final long mask;

    PackedTable(int[] table, int rows, int units, int bits) {
        this.units = units;
        laneBits = bits <= 8 ? 16 : 32;
        lanes = Long.SIZE / laneBits;
        words = (units + lanes - 1) / lanes;
        offset = 1L << (bits - 1);
        mask = (1L << laneBits) - 1;
        group = (int) Math.min(Integer.MAX_VALUE, mask / ((1L << bits) - 1));
        data = new long[rows * words];
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < units; n++) {
                data[r * words + n / lanes] |= (table[r * units + n] + offset) << (laneBits * (n % lanes));
            }
        }
    }

    /**
     * Adds one row of packed sums to {@code int} accumulators.
     *
     * @param packed sums of {@code summed} rows' words
     * @param from where the row of sums starts
     * @param summed how many table rows were added, at most {@link #group}
     * @param acc the accumulators
     * @param to where the row's accumulators start
     */
    void unpack(long[] packed, int from, int summed, int[] acc, int to) {
        long correction = summed * offset;
        for (int n = 0; n < units; n++) {
            long lane = (packed[from + n / lanes] >>> (laneBits * (n % lanes))) & mask;
            acc[to + n] += (int) (lane - correction);
        }
    }
}
