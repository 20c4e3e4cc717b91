package ai.lutboost.engine;

/** GELU on every element, with {@link TransformerArithmetic#gelu}. */
final class Gelu extends ElementwiseOp {

    private final int inFractionBits;
    private final int outFractionBits;
    private final int outBits;

    Gelu(String name, int input, int output, int size, int inFractionBits, int outFractionBits, int outBits) {
        super(name, new int[] {input}, output, size);
        this.inFractionBits = inFractionBits;
        this.outFractionBits = outFractionBits;
        this.outBits = outBits;
    }

    @Override
    void run(int[][] tensors, int from, int to) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        for (int i = from; i < to; i++) {
            out[i] = (int) TransformerArithmetic.gelu(x[i], inFractionBits, outFractionBits, outBits);
        }
    }
}
