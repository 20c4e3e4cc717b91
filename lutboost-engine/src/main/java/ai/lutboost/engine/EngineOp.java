package ai.lutboost.engine;

/**
 * One op of a loaded model. An op holds its parameters and never changes; what it computes with
 * lives in the {@link Kernel}s it hands out, one per worker thread, so that a model can run on
 * many threads at once without allocating per sample.
 */
abstract class EngineOp {

    final String name;
    final int[] inputs;
    final int output;

    EngineOp(String name, int[] inputs, int output) {
        this.name = name;
        this.inputs = inputs;
        this.output = output;
    }

    /**
     * Runs the op on a block of samples.
     *
     * <p>Each tensor of the block holds its samples one after another: sample {@code s} of a
     * tensor of {@code size} elements starts at {@code s * size}.
     */
    interface Kernel {

        /**
         * Computes the output tensor of the first {@code samples} samples from the inputs.
         *
         * @param tensors every tensor of the block by index; the output's array is preallocated
         *     and every element of its first {@code samples} samples is written
         * @param samples samples in the block, at most the capacity the kernel was made for
         */
        void run(int[][] tensors, int samples);
    }

    /**
     * Makes a kernel with its own scratch buffers, for one worker thread.
     *
     * @param capacity the most samples a block will hold
     * @return the kernel
     */
    abstract Kernel kernel(int capacity);
}
