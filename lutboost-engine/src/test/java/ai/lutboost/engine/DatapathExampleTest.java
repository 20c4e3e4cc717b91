package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The worked example of docs/datapath.md §5, run through the engine's LUT layer. */
class DatapathExampleTest {

    @Test
    void workedExampleOfTheDatapathPage() {
        int[] centroids = {2, -2, -4, 1, 0, 0, 6, 1};
        // T_q[0][0], T_q[0][1], T_q[1][0], T_q[1][1]; only rows [0][0] and [1][1] are selected.
        int[] table = {40, -10, 99, 99, 99, 99, -25, 7};
        int[] bias = {32, -8};
        LutLayer layer = new LutLayer("example", 0, 1, null, 4, 4, 2, 2, 2, 2, LutLayer.L2, 8, centroids, 8, table,
                bias, new int[] {2, 1}, 8, false);
        int[][] tensors = {{3, -2, 5, 0}, new int[2]};
        layer.kernel(1).run(tensors, 1);
        assertArrayEquals(new int[] {12, -5}, tensors[1], "before the ReLU");
        LutLayer withRelu = new LutLayer("example", 0, 1, null, 4, 4, 2, 2, 2, 2, LutLayer.L2, 8, centroids, 8, table,
                bias, new int[] {2, 1}, 8, true);
        withRelu.kernel(1).run(tensors, 1);
        assertArrayEquals(new int[] {12, 0}, tensors[1]);
    }

    @Test
    void tiesGoToTheLowestIndexForEveryMetric() {
        // Sub-vector [0, 0] is at distance 1 (L2, L1, Chebyshev) from both centroids [1, 0] and [0, -1].
        int[] centroids = {1, 0, 0, -1};
        int[] table = {5, 9};
        for (int metric : new int[] {LutLayer.L2, LutLayer.L1, LutLayer.CHEBYSHEV}) {
            LutLayer layer = new LutLayer("tie", 0, 1, null, 2, 2, 1, 2, 2, 1, metric, 8, centroids, 8, table,
                    new int[] {0}, new int[] {0}, 8, false);
            int[][] tensors = {{0, 0}, new int[1]};
            layer.kernel(1).run(tensors, 1);
            assertArrayEquals(new int[] {5}, tensors[1], "metric " + metric);
        }
    }
}
