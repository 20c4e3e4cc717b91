package ai.lutboost.engine;

/** Copies one row of a token sequence {@code [T][D]}: the class token the classifier reads. */
final class SelectToken extends EngineOp {

    private final int token;
    private final int dim;

    SelectToken(String name, int input, int output, int token, int dim) {
        super(name, new int[] {input}, output);
        this.token = token;
        this.dim = dim;
    }

    @Override
    void run(int[][] tensors) {
        int[] out = new int[dim];
        System.arraycopy(tensors[inputs[0]], token * dim, out, 0, dim);
        tensors[output] = out;
    }
}
