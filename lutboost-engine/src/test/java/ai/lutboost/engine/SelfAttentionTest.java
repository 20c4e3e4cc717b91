package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The attention kernel (its sums in vectors when the test JVM has {@code jdk.incubator.vector},
 * in plain Java in the build's run without it) against the formula of {@code docs/datapath.md}
 * §11 written out per query, head and column, on int8 operands at their extremes, token counts
 * that are and are not multiples of a vector, and the kernel that computes one token alone.
 */
class SelfAttentionTest {

    private static final long MULTIPLIER = 16384;
    private static final int SCORE_FRACTION = 24;
    private static final int OUTPUT_SHIFT = 8;
    private static final int OUT_BITS = 8;

    @Test
    void everyQueryAndTheOneTokenKernelMatchTheFormula() {
        Random r = new Random(4);
        int[][] shapes = {{1, 16, 1}, {5, 16, 2}, {50, 64, 4}, {67, 96, 3}, {17, 64, 1}};
        int checked = 0;
        for (int[] shape : shapes) {
            int tokens = shape[0];
            int dim = shape[1];
            int heads = shape[2];
            int samples = 3;
            int[][] tensors = new int[4][samples * tokens * dim];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < tensors[i].length; j++) {
                    // Mostly the extremes, so that products reach 2^14 and the softmax saturates.
                    tensors[i][j] = r.nextInt(4) == 0 ? r.nextInt(256) - 128 : r.nextBoolean() ? -128 : 127;
                }
            }
            SelfAttention op = new SelfAttention("a", 0, 1, 2, 3, tokens, dim, heads, MULTIPLIER, SCORE_FRACTION,
                    OUTPUT_SHIFT, OUT_BITS);
            int[] expected = formula(tensors, samples, tokens, dim, heads);
            op.kernel(samples).run(tensors, samples);
            assertArrayEquals(expected, tensors[3], tokens + " tokens, width " + dim + ", " + heads + " heads");

            int token = r.nextInt(tokens);
            int[] before = new int[tensors[3].length];
            java.util.Arrays.fill(before, 99);
            tensors[3] = before.clone();
            op.tokenKernel(samples, tokens, token).run(tensors, samples);
            for (int s = 0; s < samples; s++) {
                for (int t = 0; t < tokens; t++) {
                    int at = (s * tokens + t) * dim;
                    int[] row = java.util.Arrays.copyOfRange(tensors[3], at, at + dim);
                    int[] wanted = java.util.Arrays.copyOfRange(t == token ? expected : before, at, at + dim);
                    assertArrayEquals(wanted, row, "token " + token + " alone: sample " + s + ", row " + t);
                    checked++;
                }
            }
        }
        assertTrue(checked > 400);
    }

    /** Per sample, head and query: scores, softmax, weighted values, rescaled; all in {@code long}s. */
    private static int[] formula(int[][] tensors, int samples, int tokens, int dim, int heads) {
        int width = dim / heads;
        int[] out = new int[samples * tokens * dim];
        long[] scores = new long[tokens];
        long[] p = new long[tokens];
        for (int s = 0; s < samples; s++) {
            int from = s * tokens * dim;
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < tokens; t++) {
                    for (int u = 0; u < tokens; u++) {
                        long dot = 0;
                        for (int j = h * width; j < (h + 1) * width; j++) {
                            dot += (long) tensors[0][from + t * dim + j] * tensors[1][from + u * dim + j];
                        }
                        scores[u] = dot * MULTIPLIER;
                    }
                    TransformerArithmetic.softmax(scores, 0, tokens, SCORE_FRACTION, p, 0);
                    for (int j = h * width; j < (h + 1) * width; j++) {
                        long sum = 0;
                        for (int u = 0; u < tokens; u++) {
                            sum += p[u] * tensors[2][from + u * dim + j];
                        }
                        out[from + t * dim + j] = (int) FixedPoint.rescale(sum, 1, OUTPUT_SHIFT, OUT_BITS);
                    }
                }
            }
        }
        return out;
    }
}
