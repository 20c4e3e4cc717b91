package ai.lutboost.engine;

/** GELU on every element, with {@link TransformerArithmetic#gelu}. */
final class Gelu extends EngineOp {

    private final int inFractionBits;
    private final int outFractionBits;
    private final int outBits;

    Gelu(String name, int input, int output, int inFractionBits, int outFractionBits, int outBits) {
        super(name, new int[] {input}, output);
        this.inFractionBits = inFractionBits;
        this.outFractionBits = outFractionBits;
        this.outBits = outBits;
    }

    @Override
    void run(int[][] tensors) {
        int[] x = tensors[inputs[0]];
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (int) TransformerArithmetic.gelu(x[i], inFractionBits, outFractionBits, outBits);
        }
        tensors[output] = out;
    }
}
