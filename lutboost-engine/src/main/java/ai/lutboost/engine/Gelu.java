package ai.lutboost.engine;

/** GELU on every element, with {@link TransformerArithmetic#gelu}. */
final class Gelu extends EngineOp {

    private final int size;
    private final int inFractionBits;
    private final int outFractionBits;
    private final int outBits;

    Gelu(String name, int input, int output, int size, int inFractionBits, int outFractionBits, int outBits) {
        super(name, new int[] {input}, output);
        this.size = size;
        this.inFractionBits = inFractionBits;
        this.outFractionBits = outFractionBits;
        this.outBits = outBits;
    }

    @Override
    Kernel kernel(int capacity) {
        return this::run;
    }

    private void run(int[][] tensors, int samples) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        for (int i = 0; i < samples * size; i++) {
            out[i] = (int) TransformerArithmetic.gelu(x[i], inFractionBits, outFractionBits, outBits);
        }
    }
}
