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

    /**
     * Whether row {@code t} of the op's {@code [T, N]} output reads row {@code t} of each
     * {@code [T, D]} input and nothing else, so that one token can be computed alone
     * ({@link TokenPlan}).
     *
     * @return false unless the op says otherwise
     */
    boolean tokenWise() {
        return false;
    }

    /**
     * Makes a kernel that writes only row {@code token} of each sample's {@code [T, N]} output,
     * for ops that are {@link #tokenWise} and for attention; the other rows keep whatever they
     * held.
     *
     * @param capacity the most samples a block will hold
     * @param tokens {@code T}
     * @param token the row it computes
     * @return the kernel
     */
    Kernel tokenKernel(int capacity, int tokens, int token) {
        throw new UnsupportedOperationException(name + " computes its whole output");
    }
}
