package ai.lutboost.engine;

/** LayerNorm over each row of {@code D} entries, with {@link TransformerArithmetic#layerNorm}. */
final class LayerNormalization extends EngineOp {

    private final int dim;
    private final long epsilon;
    private final long[] gamma;
    private final int gammaFractionBits;
    private final long[] beta;
    private final int outFractionBits;
    private final int outBits;

    LayerNormalization(String name, int input, int output, int dim, long epsilon, int[] gamma, int gammaFractionBits,
            int[] beta, int outFractionBits, int outBits) {
        super(name, new int[] {input}, output);
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
    void run(int[][] tensors) {
        long[] x = widen(tensors[inputs[0]]);
        long[] y = new long[x.length];
        for (int from = 0; from < x.length; from += dim) {
            TransformerArithmetic.layerNorm(x, from, dim, epsilon, gamma, gammaFractionBits, beta, outFractionBits,
                    outBits, y, from);
        }
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (int) y[i];
        }
        tensors[output] = out;
    }
}
