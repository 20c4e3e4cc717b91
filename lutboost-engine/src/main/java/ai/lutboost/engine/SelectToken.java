package ai.lutboost.engine;

/** Copies one row of a token sequence {@code [T][D]}: the class token the classifier reads. */
final class SelectToken extends EngineOp {

    private final int tokens;
    final int token;
    private final int dim;

    SelectToken(String name, int input, int output, int tokens, int token, int dim) {
        super(name, new int[] {input}, output);
        this.tokens = tokens;
        this.token = token;
        this.dim = dim;
    }

    @Override
    Kernel kernel(int capacity) {
        return this::run;
    }

    private void run(int[][] tensors, int samples) {
        for (int s = 0; s < samples; s++) {
            System.arraycopy(tensors[inputs[0]], (s * tokens + token) * dim, tensors[output], s * dim, dim);
        }
    }
}
