package ai.lutboost.engine;

import java.util.List;

/**
 * One worker's buffers: every tensor for a block of samples and every op's kernel. Made once per
 * thread and model and reused for every block, so running a batch allocates only its results.
 */
final class Workspace {

    final int[][] tensors;
    private final EngineOp.Kernel[] kernels;

    /**
     * Makes the buffers.
     *
     * @param tensorSizes every tensor's elements per sample
     * @param ops the ops in execution order
     * @param plan which ops compute one token, or null for every op to compute its whole
     *     output, as a trace needs
     * @param capacity the most samples a block holds
     */
    Workspace(int[] tensorSizes, List<EngineOp> ops, TokenPlan plan, int capacity) {
        tensors = new int[tensorSizes.length][];
        for (int t = 0; t < tensorSizes.length; t++) {
            tensors[t] = new int[tensorSizes[t] * capacity];
        }
        kernels = new EngineOp.Kernel[ops.size()];
        for (int i = 0; i < kernels.length; i++) {
            kernels[i] = plan == null ? ops.get(i).kernel(capacity) : plan.kernel(i, ops.get(i), capacity);
        }
    }

    /**
     * Runs every op on the samples already in tensor 0.
     *
     * @param samples how many, at most the capacity it was made for
     */
    void run(int samples) {
        for (EngineOp.Kernel k : kernels) {
            k.run(tensors, samples);
        }
    }
}
