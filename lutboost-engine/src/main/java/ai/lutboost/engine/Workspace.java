package ai.lutboost.engine;

import java.util.List;

/**
 * One worker's buffers: every tensor for a block of samples and every op's kernel. Made once per
 * thread and model and reused for every block, so running a batch allocates only its results.
 */
final class Workspace {

    final int[][] tensors;
    private final EngineOp.Kernel[] kernels;

    Workspace(int[] tensorSizes, List<EngineOp> ops, int capacity) {
        tensors = new int[tensorSizes.length][];
        for (int t = 0; t < tensorSizes.length; t++) {
            tensors[t] = new int[tensorSizes[t] * capacity];
        }
        kernels = new EngineOp.Kernel[ops.size()];
        for (int i = 0; i < kernels.length; i++) {
            kernels[i] = ops.get(i).kernel(capacity);
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
