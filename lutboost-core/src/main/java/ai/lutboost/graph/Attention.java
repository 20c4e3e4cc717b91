package ai.lutboost.graph;

import ai.djl.ndarray.NDArray;

/**
 * Multi-head self-attention between projections, as the datapath computes it: head {@code h}
 * takes columns {@code h D/heads .. (h+1) D/heads - 1}, and the heads' outputs are concatenated.
 */
public interface Attention {

    /**
     * Returns the number of heads.
     *
     * @return heads; divides the width
     */
    int getHeads();

    /**
     * Attends as the float model does.
     *
     * @param q queries {@code [B, T, D]}
     * @param k keys {@code [B, T, D]}
     * @param v values {@code [B, T, D]}
     * @return {@code [B, T, D]}
     */
    NDArray attend(NDArray q, NDArray k, NDArray v);
}
