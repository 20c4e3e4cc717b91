package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Max pooling, the unrolled 2x2 window and the general loops, against the window maxima computed here. */
class MaxPoolTest {

    @Test
    void everyWindowShapeAgainstItsMaxima() {
        Random r = new Random(11);
        int[][] windows = {{2, 2, 2, 2}, {3, 3, 2, 2}, {2, 2, 1, 1}, {3, 2, 1, 2}, {2, 3, 2, 1}};
        for (int[] w : windows) {
            for (int[] shape : new int[][] {{3, 7, 9}, {2, 8, 6}}) {
                int samples = 3;
                int size = shape[0] * shape[1] * shape[2];
                int[] x = new int[samples * size];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextInt(256) - 128;
                }
                int outH = (shape[1] - w[0]) / w[2] + 1;
                int outW = (shape[2] - w[1]) / w[3] + 1;
                int[] expected = new int[samples * shape[0] * outH * outW];
                for (int c = 0; c < samples * shape[0]; c++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            int m = Integer.MIN_VALUE;
                            for (int i = 0; i < w[0]; i++) {
                                for (int j = 0; j < w[1]; j++) {
                                    m = Math.max(m, x[(c * shape[1] + oh * w[2] + i) * shape[2] + ow * w[3] + j]);
                                }
                            }
                            expected[(c * outH + oh) * outW + ow] = m;
                        }
                    }
                }
                MaxPool pool = new MaxPool("pool", 0, 1, shape, new int[] {w[0], w[1]}, new int[] {w[2], w[3]});
                int[][] tensors = {x, new int[expected.length]};
                pool.kernel(samples).run(tensors, samples);
                assertArrayEquals(expected, tensors[1], "window " + java.util.Arrays.toString(w) + " over "
                        + java.util.Arrays.toString(shape));
            }
        }
    }
}
