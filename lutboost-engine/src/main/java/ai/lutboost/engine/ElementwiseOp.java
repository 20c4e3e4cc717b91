package ai.lutboost.engine;

/**
 * An op whose every output element depends on the same element of its inputs alone, so that any
 * run of elements, and one token's row of a sequence in particular, can be computed by itself.
 */
abstract class ElementwiseOp extends EngineOp {

    /** Elements per sample. */
    final int size;

    ElementwiseOp(String name, int[] inputs, int output, int size) {
        super(name, inputs, output);
        this.size = size;
    }

    /** Computes the output's elements {@code from..to-1} of the block. */
    abstract void run(int[][] tensors, int from, int to);

    @Override
    final Kernel kernel(int capacity) {
        return (tensors, samples) -> run(tensors, 0, samples * size);
    }

    @Override
    final boolean tokenWise() {
        return true;
    }

    @Override
    final Kernel tokenKernel(int capacity, int tokens, int token) {
        int width = size / tokens;
        return (tensors, samples) -> {
            for (int s = 0; s < samples; s++) {
                run(tensors, s * size + token * width, s * size + (token + 1) * width);
            }
        };
    }
}
