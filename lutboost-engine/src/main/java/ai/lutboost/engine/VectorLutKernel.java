package ai.lutboost.engine;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A LUT layer's search and table sums in the Java Vector API, for layers whose search keys fit an
 * {@code int} ({@link LutLayer#keyBound}); reached only through {@link VectorSupport}.
 *
 * <ul>
 *   <li>The search puts rows in lanes: one vector holds a key per row, each centroid's key
 *       {@code distance * 2^s + c} is formed lane-wise and the lane-wise minimum kept, which is
 *       the plain-Java search's arithmetic on several rows at once, with the same ties. For
 *       {@code v <= 8} a row vector's elements are loaded once for all {@code K} centroids and
 *       the element loop is unrolled, which is about four times faster than reloading them.
 *   <li>The sums add whole vectors of {@code int} table words. A table of {@code b <= 8} bits
 *       packs two entries per word, {@code 2^(b-1)} added to each so that both halves are
 *       non-negative: a half's sum of {@code g <= (2^16 - 1) / (2^b - 1)} entries (257 for
 *       {@code b = 8}) stays below {@code 2^16} and never carries into the upper half, and taking
 *       {@code g 2^(b-1)} back off each half gives the exact signed sum. Wider tables take one
 *       entry per word, which the loader's accumulator bound keeps from overflowing.
 *       (Vectors of {@code short}s would do the same without the packing, but JDK 17 runs them
 *       several times slower than {@code int} vectors here.)
 *   <li>Codebooks are taken {@value #CODEBOOKS_PER_PASS} at a time for every row of the block, so
 *       their tables are read from cache for all rows, while each row's partial sums of two
 *       vectors stay in registers across them.
 * </ul>
 */
final class VectorLutKernel extends LutLayer.BlockKernel {

    static final int CODEBOOKS_PER_PASS = 16;

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.length() <= 16
            ? IntVector.SPECIES_PREFERRED
            : IntVector.SPECIES_512;

    private final boolean packed;
    /** Words per table row: whole vectors. */
    private final int rowWords;
    private final int group;
    /** What each packed entry carries above its signed value. */
    private final int offset;
    /** Per codebook {@code j} and row {@code i}, the chosen table row, at {@code j * stride + i}. */
    private final int[] chosenRows;
    /** Row {@code i}'s word sums at {@code i * rowWords}. */
    private final int[] words;
    VectorLutKernel(LutLayer layer, int rows, int token) {
        super(layer, rows, token);
        packed = packed(layer.tableBits);
        rowWords = rowWords(layer.units, layer.tableBits);
        group = packed ? 0xFFFF / ((1 << layer.tableBits) - 1) : Integer.MAX_VALUE;
        offset = packed ? 1 << (layer.tableBits - 1) : 0;
        chosenRows = new int[layer.codebooks * stride];
        words = new int[block * rowWords];
    }

    private static boolean packed(int bits) {
        return bits <= 8;
    }

    private static int rowWords(int units, int bits) {
        int lanes = INTS.length();
        int w = packed(bits) ? (units + 1) / 2 : units;
        return (w + lanes - 1) / lanes * lanes;
    }

    /**
     * The table as whole vectors of words per row: for {@code b <= 8} bits column {@code n} in
     * the lower half of word {@code n} (offset), or the upper half of word {@code n - W} for
     * {@code n >= W} words per row; wider entries one per word. The words are stored in chunks of
     * {@link #chunkWords} per row, chunk by chunk ({@link #at}), so that the rows one chunk of
     * the sums reads lie together and stream through the cache in order.
     */
    static int[] table(int[] table, int rows, int units, int bits) {
        int w = rowWords(units, bits);
        int[] out = new int[rows * w];
        boolean pack = packed(bits);
        int offset = 1 << (bits - 1);
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < units; n++) {
                int entry = table[r * units + n];
                if (!pack) {
                    out[at(r, n, rows, w)] = entry;
                } else if (n < w) {
                    out[at(r, n, rows, w)] |= entry + offset;
                } else {
                    out[at(r, n - w, rows, w)] |= (entry + offset) << 16;
                }
            }
        }
        return out;
    }

    /**
     * Where word {@code word} of row {@code r} lies in the chunked table of {@code rows} rows of
     * {@code w} words: the chunk starting at word {@code c} starts at {@code c * rows}.
     */
    private static int at(int r, int word, int rows, int w) {
        int c = word - word % chunkWords();
        return c * rows + r * Math.min(chunkWords(), w - c) + word - c;
    }

    /** Words per row in a chunk: two vectors, or one for a last, narrower chunk. */
    private static int chunkWords() {
        return 2 * INTS.length();
    }

    @Override
    void search(int j, int n) {
        if (layer.searchWidth == 4) {
            searchUpTo4(j, n);
        } else if (layer.searchWidth == 8) {
            searchUpTo8(j, n);
        } else {
            searchAnyLength(j, n);
        }
    }

    /** Element {@code u} of the sub-vectors of rows {@code i..}, or zeros past {@code v}. */
    private IntVector element(int u, int i) {
        return u < layer.v ? IntVector.fromArray(INTS, sub, u * stride + i) : IntVector.zero(INTS);
    }

    /**
     * The search with each row vector's elements loaded once for all centroids, for
     * {@code v <= 4}; {@link #searchUpTo8} is the same for eight. They stay two methods: eight
     * vectors would double the work of the many layers with {@code v = 4}, and a loop over the
     * elements, reloading them for every centroid, ran about four times slower.
     */
    private void searchUpTo4(int j, int n) {
        LutLayer l = layer;
        int k = l.k;
        int shift = l.indexBits;
        int[] w = layer.paddedWeights;
        int firstRow = j * k;
        for (int i = 0; i < n; i += INTS.length()) {
            IntVector x0 = element(0, i);
            IntVector x1 = element(1, i);
            IntVector x2 = element(2, i);
            IntVector x3 = element(3, i);
            IntVector keys = IntVector.broadcast(INTS, Integer.MAX_VALUE);
            for (int c = 0; c < k; c++) {
                int p = (firstRow + c) * 4;
                IntVector key;
                if (l.metric == LutLayer.L2) {
                    key = x0.mul(w[p]).add(x1.mul(w[p + 1])).add(x2.mul(w[p + 2])).add(x3.mul(w[p + 3]))
                            .add(l.norms[firstRow + c]);
                } else {
                    IntVector d0 = x0.sub(w[p]).lanewise(VectorOperators.ABS);
                    IntVector d1 = x1.sub(w[p + 1]).lanewise(VectorOperators.ABS);
                    IntVector d2 = x2.sub(w[p + 2]).lanewise(VectorOperators.ABS);
                    IntVector d3 = x3.sub(w[p + 3]).lanewise(VectorOperators.ABS);
                    IntVector d = l.metric == LutLayer.L1 ? d0.add(d1).add(d2.add(d3)) : d0.max(d1).max(d2.max(d3));
                    key = d.lanewise(VectorOperators.LSHL, shift).or(c);
                }
                keys = keys.min(key);
            }
            store(keys, j, i);
        }
    }

    private void searchUpTo8(int j, int n) {
        LutLayer l = layer;
        int k = l.k;
        int shift = l.indexBits;
        int[] w = layer.paddedWeights;
        int firstRow = j * k;
        // Up to six elements, the last two terms are zero against zero and are skipped: a fourth
        // of the work of conv2's v = 6 in the LeNet-5 recipes.
        boolean six = l.v <= 6;
        for (int i = 0; i < n; i += INTS.length()) {
            IntVector x0 = element(0, i);
            IntVector x1 = element(1, i);
            IntVector x2 = element(2, i);
            IntVector x3 = element(3, i);
            IntVector x4 = element(4, i);
            IntVector x5 = element(5, i);
            IntVector x6 = element(6, i);
            IntVector x7 = element(7, i);
            IntVector keys = IntVector.broadcast(INTS, Integer.MAX_VALUE);
            for (int c = 0; c < k; c++) {
                int p = (firstRow + c) * 8;
                IntVector key;
                if (l.metric == LutLayer.L2) {
                    IntVector low = x0.mul(w[p]).add(x1.mul(w[p + 1])).add(x2.mul(w[p + 2])).add(x3.mul(w[p + 3]));
                    IntVector high = x4.mul(w[p + 4]).add(x5.mul(w[p + 5]));
                    if (!six) {
                        high = high.add(x6.mul(w[p + 6])).add(x7.mul(w[p + 7]));
                    }
                    key = low.add(high).add(l.norms[firstRow + c]);
                } else {
                    IntVector d0 = x0.sub(w[p]).lanewise(VectorOperators.ABS);
                    IntVector d1 = x1.sub(w[p + 1]).lanewise(VectorOperators.ABS);
                    IntVector d2 = x2.sub(w[p + 2]).lanewise(VectorOperators.ABS);
                    IntVector d3 = x3.sub(w[p + 3]).lanewise(VectorOperators.ABS);
                    IntVector d4 = x4.sub(w[p + 4]).lanewise(VectorOperators.ABS);
                    IntVector d5 = x5.sub(w[p + 5]).lanewise(VectorOperators.ABS);
                    boolean l1 = l.metric == LutLayer.L1;
                    IntVector high = l1 ? d4.add(d5) : d4.max(d5);
                    if (!six) {
                        IntVector d6 = x6.sub(w[p + 6]).lanewise(VectorOperators.ABS);
                        IntVector d7 = x7.sub(w[p + 7]).lanewise(VectorOperators.ABS);
                        high = l1 ? high.add(d6.add(d7)) : high.max(d6.max(d7));
                    }
                    IntVector d = l1 ? d0.add(d1).add(d2.add(d3)).add(high) : d0.max(d1).max(d2.max(d3)).max(high);
                    key = d.lanewise(VectorOperators.LSHL, shift).or(c);
                }
                keys = keys.min(key);
            }
            store(keys, j, i);
        }
    }

    /** Records the chosen table rows of codebook {@code j}, for rows {@code i..}. */
    private void store(IntVector keys, int j, int i) {
        LutLayer l = layer;
        keys.and((1 << l.indexBits) - 1).add(j * l.k).intoArray(chosenRows, j * stride + i);
    }

    private void searchAnyLength(int j, int n) {
        LutLayer l = layer;
        int k = l.k;
        int v = l.v;
        int shift = l.indexBits;
        int[] weights = l.weights;
        int firstRow = j * k;
        for (int i = 0; i < n; i += INTS.length()) {
            IntVector keys = IntVector.broadcast(INTS, Integer.MAX_VALUE);
            for (int c = 0; c < k; c++) {
                int centroid = (firstRow + c) * v;
                IntVector key;
                if (l.metric == LutLayer.L2) {
                    key = IntVector.broadcast(INTS, l.norms[firstRow + c]);
                    for (int u = 0; u < v; u++) {
                        key = key.add(IntVector.fromArray(INTS, sub, u * stride + i).mul(weights[centroid + u]));
                    }
                } else {
                    IntVector d = IntVector.zero(INTS);
                    for (int u = 0; u < v; u++) {
                        IntVector difference = IntVector.fromArray(INTS, sub, u * stride + i).sub(weights[centroid + u])
                                .lanewise(VectorOperators.ABS);
                        d = l.metric == LutLayer.L1 ? d.add(difference) : d.max(difference);
                    }
                    key = d.lanewise(VectorOperators.LSHL, shift).or(c);
                }
                keys = keys.min(key);
            }
            store(keys, j, i);
        }
    }

    @Override
    void sum(int n) {
        int codebooks = layer.codebooks;
        for (int from = 0; from < codebooks; from += group) {
            int to = (int) Math.min(codebooks, (long) from + group);
            java.util.Arrays.fill(words, 0, n * rowWords, 0);
            addRows(n, from, to);
            unpack(n, to - from);
        }
    }

    /** Adds the chosen rows of codebooks {@code from..to-1} to {@link #words}. */
    private void addRows(int n, int from, int to) {
        int[] table = layer.vectorTable;
        int rows = layer.codebooks * layer.k;
        int lanes = INTS.length();
        int w = 0;
        for (; w + 2 * lanes <= rowWords; w += 2 * lanes) {
            int base = w * rows;
            for (int first = from; first < to; first += CODEBOOKS_PER_PASS) {
                int last = Math.min(to, first + CODEBOOKS_PER_PASS);
                for (int i = 0; i < n; i++) {
                    int p = i * rowWords + w;
                    IntVector s0 = IntVector.fromArray(INTS, words, p);
                    IntVector s1 = IntVector.fromArray(INTS, words, p + lanes);
                    for (int j = first; j < last; j++) {
                        int row = base + chosenRows[j * stride + i] * 2 * lanes;
                        s0 = s0.add(IntVector.fromArray(INTS, table, row));
                        s1 = s1.add(IntVector.fromArray(INTS, table, row + lanes));
                    }
                    s0.intoArray(words, p);
                    s1.intoArray(words, p + lanes);
                }
            }
        }
        if (w < rowWords) {
            int base = w * rows;
            for (int first = from; first < to; first += CODEBOOKS_PER_PASS) {
                int last = Math.min(to, first + CODEBOOKS_PER_PASS);
                for (int i = 0; i < n; i++) {
                    int p = i * rowWords + w;
                    IntVector s = IntVector.fromArray(INTS, words, p);
                    for (int j = first; j < last; j++) {
                        s = s.add(IntVector.fromArray(INTS, table, base + chosenRows[j * stride + i] * lanes));
                    }
                    s.intoArray(words, p);
                }
            }
        }
    }

    /** Adds the signed sums of {@code summed} codebooks in {@link #words} to the accumulators. */
    private void unpack(int n, int summed) {
        int units = layer.units;
        if (!packed) {
            for (int i = 0; i < n; i++) {
                int a = i * units;
                int p = i * rowWords;
                for (int u = 0; u < units; u++) {
                    acc[a + u] += words[p + u];
                }
            }
            return;
        }
        int correction = summed * offset;
        int low = Math.min(units, rowWords);
        for (int i = 0; i < n; i++) {
            int a = i * units;
            int p = i * rowWords;
            for (int u = 0; u < low; u++) {
                acc[a + u] += (words[p + u] & 0xFFFF) - correction;
            }
            for (int u = low; u < units; u++) {
                acc[a + u] += (words[p + u - rowWords] >>> 16) - correction;
            }
        }
    }
}
