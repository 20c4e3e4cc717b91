package ai.lutboost.engine;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Loops over runs of {@code int}s in the Java Vector API; reached only through
 * {@link VectorSupport}. C2 in JDK 17 leaves such loops scalar when the two arrays could be the
 * same one, as they always could here.
 */
final class VectorRuns {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

    private VectorRuns() {}

    /**
     * {@code acc[p] = bias + sum_d weights[first + d] * src[start + offsets[d] + p]} for
     * {@code p < length} and {@code d < offsets.length}: a vector of positions at a time, summed
     * over every weight in a register.
     */
    static void correlate(int[] acc, int[] src, int start, int[] offsets, int[] weights, int first, int length,
            int bias) {
        int count = offsets.length;
        int p = 0;
        for (int last = INTS.loopBound(length); p < last; p += INTS.length()) {
            IntVector a = IntVector.broadcast(INTS, bias);
            for (int d = 0; d < count; d++) {
                a = a.add(IntVector.fromArray(INTS, src, start + offsets[d] + p).mul(weights[first + d]));
            }
            a.intoArray(acc, p);
        }
        for (; p < length; p++) {
            int a = bias;
            for (int d = 0; d < count; d++) {
                a += weights[first + d] * src[start + offsets[d] + p];
            }
            acc[p] = a;
        }
    }
}
