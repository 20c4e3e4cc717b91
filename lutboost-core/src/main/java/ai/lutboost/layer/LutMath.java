package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The arithmetic of LUT layers on NDArrays, shared by {@link LutLinear} and {@link LutConv2d}.
 *
 * <p>Shapes: {@code x} is {@code [C, R, v]} (codebook, row, element), centroids {@code P} are
 * {@code [C, K, v]}. While tables are not frozen, {@code sum_j a_j T_j = (sum_j a_j P_j) W}, so
 * quantizing the input and applying the dense weights gives the LUT output without ever building
 * the {@code C x K x N} tables (DESIGN §1). Ties in the nearest-centroid search go to the lowest
 * index everywhere: {@code argMax} and {@code argMin} return the first extreme.
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
            return xx.sub(cross.mul(Scalars.of(cross, 2))).add(pp);
        }
        NDArray diff = x.expandDims(2).sub(centroids.expandDims(1)).abs();
        return metric == Metric.L1 ? diff.sum(new int[] {3}) : diff.max(new int[] {3});
    }

    /**
     * Similarity scores whose maximum is the nearest centroid: the negative distance, up to a
     * per-row constant, times the inverse temperature.
     *
     * <p>For L2, {@code -|x - p|^2 = -|x|^2 + 2 x·p - |p|^2}, and the {@code -|x|^2} term is the
     * same for every centroid, so it changes neither the argmax nor a softmax over centroids.
     * What remains is one batched product of {@code [x, 1]} with {@code t [2p; -|p|^2]}, built on
     * the small centroid side: no elementwise pass over the {@code [C, R, K]} result.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param temperature the inverse temperature, shape {@code [1]}
     * @param metric the distance
     * @return {@code [C, R, K]}
     */
    public static NDArray scores(NDArray x, NDArray centroids, NDArray temperature, Metric metric) {
        if (metric == Metric.L2) {
            long c = x.getShape().get(0);
            long r = x.getShape().get(1);
            NDArray ones = x.getManager().ones(new Shape(c, r, 1), x.getDataType());
            NDArray augmented = x.concat(ones, 2);
            NDArray pp = centroids.square().sum(new int[] {2}, true).neg();
            NDArray side = centroids.mul(Scalars.of(centroids, 2)).concat(pp, 2).mul(temperature).transpose(0, 2, 1);
            return augmented.matMul(side);
        }
        return distances(x, centroids, metric).mul(temperature.neg());
    }

    /**
     * Quantizes sub-vectors: each is replaced by its nearest centroid (hard), by the softmax mix
     * of centroids (soft), or by the nearest centroid with the soft mix's gradient
     * (straight-through: {@code soft + stopGradient(hard - soft)}).
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param temperature the inverse temperature, shape {@code [1]}
     * @param metric the distance
     * @param mode the assignment
     * @return {@code [C, R, v]}
     */
    public static NDArray quantize(
            NDArray x, NDArray centroids, NDArray temperature, Metric metric, LutMode mode) {
        NDArray s = scores(x, centroids, temperature, metric);
        NDArray hard = mode == LutMode.SOFT ? null : gather(centroids, s.argMax(2));
        if (mode == LutMode.HARD) {
            return hard;
        }
        NDArray soft = s.softmax(2).matMul(centroids);
        return mode == LutMode.SOFT ? soft : soft.add(hard.sub(soft).stopGradient());
    }

    /**
     * Looks up table rows: the LUT output of frozen tables.
     *
     * <p>Hard assignment gathers the selected rows and sums them over codebooks. The soft mix
     * multiplies its weights {@code [R, C K]} with the stacked tables {@code [C K, N]}: one matrix
     * product keeps the {@code [C, R, N]} per-codebook rows (924 MB for the residual CNN's last
     * conv at batch 128) out of the backward pass. Straight-through adds the hard output minus the
     * soft one, without gradient, to the soft output, so that no elementwise pass over
     * {@code [C, R, K]} weights is needed beyond the softmax's. That hard output is the gather
     * when {@code N <= K} and a one-hot product otherwise, whichever temporary is smaller; a
     * one-hot product costs {@code K} multiply-adds per gathered element, 256 of them at
     * {@code K = 256}.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param table {@code [C, K, N]}
     * @param temperature the inverse temperature, shape {@code [1]}
     * @param metric the distance
     * @param mode the assignment; soft and straight-through give centroids a gradient
     * @return {@code [R, N]}, the sum over codebooks of the selected (or mixed) rows
     */
    public static NDArray lookup(
            NDArray x, NDArray centroids, NDArray table, NDArray temperature, Metric metric, LutMode mode) {
        NDArray s = scores(x, centroids, temperature, metric);
        if (mode == LutMode.HARD) {
            return gather(table, s.argMax(2)).sum(new int[] {0});
        }
        long c = s.getShape().get(0);
        long r = s.getShape().get(1);
        long k = s.getShape().get(2);
        long n = table.getShape().get(2);
        NDArray flat = table.reshape(c * k, n);
        NDArray soft = s.softmax(2).transpose(1, 0, 2).reshape(r, c * k).matMul(flat);
        if (mode == LutMode.SOFT) {
            return soft;
        }
        NDArray index = s.argMax(2);
        NDArray hard = n <= k
                ? gather(table, index).sum(new int[] {0})
                : index.oneHot((int) k, s.getDataType()).transpose(1, 0, 2).reshape(r, c * k).matMul(flat);
        return soft.add(hard.sub(soft).stopGradient());
    }

    /**
     * Selects one row per sub-vector from per-codebook tables.
     *
     * @param rows {@code [C, K, L]}
     * @param index {@code [C, R]} int64 indices into {@code K}
     * @return {@code [C, R, L]}
     */
    public static NDArray gather(NDArray rows, NDArray index) {
        long c = rows.getShape().get(0);
        long k = rows.getShape().get(1);
        long l = rows.getShape().get(2);
        long r = index.getShape().get(1);
        NDArray offsets = index.getManager().arange(0, c * k, k, index.getDataType()).reshape(c, 1);
        NDArray flat = index.add(offsets).reshape(c * r);
        return rows.reshape(c * k, l).get(new NDIndex("{}", flat)).reshape(c, r, l);
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

    /**
     * Nearest-centroid indices for training's hard assignment: no gradient is recorded, and the
     * rows are searched in chunks whose distance temporaries hold at most {@code maxElements}
     * values, so that no {@code [C, R, K]} tensor (or L1's and Chebyshev's {@code [C, R, K, v]})
     * exists at once.
     *
     * <p>L2 ranks centroids by the scores of {@link #scores} at unit temperature: one batched
     * product per chunk. L1 and Chebyshev accumulate {@code |x_i - p_i|} one element {@code i}
     * at a time into a {@code [C, chunk, K]} sum or maximum, in place.
     *
     * @param x sub-vectors {@code [C, R, v]}
     * @param centroids {@code [C, K, v]}
     * @param metric the distance
     * @param maxElements the largest distance temporary, in values
     * @return {@code [C, R]} int64, ties to the lowest index (up to float rounding for L2)
     */
    public static NDArray nearestWithoutGradient(NDArray x, NDArray centroids, Metric metric, long maxElements) {
        NDArray xs = x.stopGradient();
        NDArray ps = centroids.stopGradient();
        long c = xs.getShape().get(0);
        long r = xs.getShape().get(1);
        long k = ps.getShape().get(1);
        long chunk = Math.max(1, Math.min(r, maxElements / (c * k)));
        NDArray one = metric == Metric.L2 ? xs.getManager().ones(new Shape(1), xs.getDataType()) : null;
        NDList parts = new NDList();
        for (long start = 0; start < r; start += chunk) {
            NDArray part = chunk == r ? xs : xs.get(new NDIndex(":, {}:{}", start, Math.min(r, start + chunk)));
            NDArray index;
            if (metric == Metric.L2) {
                try (NDArray s = scores(part, ps, one, metric)) {
                    index = s.argMax(2);
                }
            } else {
                index = elementwiseNearest(part, ps, metric);
            }
            parts.add(index);
        }
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
    }

    /** L1 or Chebyshev nearest centroids, one sub-vector element at a time. */
    private static NDArray elementwiseNearest(NDArray x, NDArray centroids, Metric metric) {
        long v = x.getShape().get(2);
        NDArray pt = centroids.transpose(0, 2, 1).expandDims(1);
        NDArray d = null;
        for (long i = 0; i < v; i++) {
            NDArray xi = x.get(new NDIndex(":, :, {}:{}", i, i + 1));
            NDArray pi = pt.get(new NDIndex(":, :, {}", i));
            NDArray diff = xi.sub(pi);
            NDArray term = diff.abs();
            diff.close();
            if (d == null) {
                d = term;
            } else {
                if (metric == Metric.L1) {
                    d.addi(term);
                } else {
                    NDArray max = d.maximum(term);
                    d.close();
                    d = max;
                }
                term.close();
            }
        }
        return d.argMin(2);
    }
}
