package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;

/**
 * The arithmetic of LUT layers on NDArrays, shared by {@link LutLinear} and {@link LutConv2d}.
 *
 * <p>Shapes: {@code x} is {@code [C, R, v]} (codebook, row, element), centroids {@code P} are
 * {@code [C, K, v]}. While tables are not frozen, {@code sum_j a_j T_j = (sum_j a_j P_j) W}, so
 * quantizing the input and applying the dense weights gives the LUT output without ever building
 * the {@code C x K x N} tables (DESIGN §1).
 */
public final class LutMath {

    private LutMath() {}

    /**
     * Distances of every sub-vector to every centroid of its codebook.
     *
     * <p>L2 uses {@code |x|^2 - 2 x·p + |p|^2} (a batched matrix product); L1 and Chebyshev
     * broadcast {@code [C, R, K, v]} differences.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param metric the distance
     * @return {@code [C, R, K]}
     */
    public static NDArray distances(NDArray x, NDArray centroids, Metric metric) {
        if (metric == Metric.L2) {
            NDArray xx = x.square().sum(new int[] {2}, true);
            NDArray pp = centroids.square().sum(new int[] {2}).expandDims(1);
            NDArray cross = x.matMul(centroids.transpose(0, 2, 1));
            return xx.sub(cross.mul(2)).add(pp);
        }
        NDArray diff = x.expandDims(2).sub(centroids.expandDims(1)).abs();
        return metric == Metric.L1 ? diff.sum(new int[] {3}) : diff.max(new int[] {3});
    }

    /**
     * Assignment weights of sub-vectors to centroids.
     *
     * @param distances {@code [C, R, K]}
     * @param temperature the inverse temperature, a scalar array {@code > 0}
     * @param mode hard, soft or straight-through
     * @return {@code [C, R, K]}: one-hot rows (hard, straight-through values) or softmax rows
     */
    public static NDArray assignment(NDArray distances, NDArray temperature, LutMode mode) {
        int k = (int) distances.getShape().get(2);
        // argMin returns the first minimum, so ties go to the lowest index as DESIGN §1 requires;
        // a one-hot from eq(min) would mark every tied centroid.
        NDArray hard = mode == LutMode.SOFT ? null : distances.argMin(2).oneHot(k);
        if (mode == LutMode.HARD) {
            return hard;
        }
        NDArray soft = distances.mul(temperature.neg()).softmax(2);
        if (mode == LutMode.SOFT) {
            return soft;
        }
        return soft.add(hard.sub(soft).stopGradient());
    }

    /**
     * Nearest-centroid indices.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param metric the distance
     * @return {@code [C, R]} int64, ties to the lowest index
     */
    public static NDArray nearest(NDArray x, NDArray centroids, Metric metric) {
        return distances(x, centroids, metric).argMin(2);
    }
}
