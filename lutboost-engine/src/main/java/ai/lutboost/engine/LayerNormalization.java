package ai.lutboost.engine;

/** LayerNorm over each row of {@code D} entries, with {@link TransformerArithmetic#layerNorm}. */
final class LayerNormalization extends EngineOp {

    private final int size;
    private final int dim;
    private final long epsilon;
    private final long[] gamma;
    private final int gammaFractionBits;
    private final long[] beta;
    private final int outFractionBits;
    private final int outBits;

    LayerNormalization(String name, int input, int output, int size, int dim, long epsilon, int[] gamma, int gammaFractionBits,
            int[] beta, int outFractionBits, int outBits) {
        super(name, new int[] {input}, output);
        this.size = size;
        this.dim = dim;
        this.epsilon = epsilon;
        this.gamma = widen(gamma);
        this.gammaFractionBits = gammaFractionBits;
        this.beta = widen(beta);
        this.outFractionBits = outFractionBits;
        this.outBits = outBits;
    }

    static long[] widen(int[] x) {
        long[] l = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            l[i] = x[i];
        }
        return l;
    }

    @Override
    Kernel kernel(int capacity) {
        return rows(TokenPlan.ALL);
    }

    @Override
    boolean tokenWise() {
        return true;
    }

    @Override
    Kernel tokenKernel(int capacity, int tokens, int token) {
        return rows(token);
    }

    /** Normalizes every row, or only row {@code token} of each sample. */
    private Kernel rows(int token) {
        long[] x = new long[dim];
        long[] y = new long[dim];
        return (tensors, samples) -> {
            int[] in = tensors[inputs[0]];
            int[] out = tensors[output];
            int rows = token == TokenPlan.ALL ? samples * size / dim : samples;
            for (int r = 0; r < rows; r++) {
                int from = token == TokenPlan.ALL ? r * dim : r * size + token * dim;
                for (int i = 0; i < dim; i++) {
                    x[i] = in[from + i];
                }
                TransformerArithmetic.layerNorm(x, 0, dim, epsilon, gamma, gammaFractionBits, beta, outFractionBits,
                        outBits, y, 0);
                for (int i = 0; i < dim; i++) {
                    out[from + i] = (int) y[i];
                }
            }
        };
    }
}
