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
        return (tensors, samples) -> run(tensors, 0, samples * size);
    }

    @Override
    boolean tokenWise() {
        return true;
    }

    @Override
    Kernel tokenKernel(int capacity, int tokens, int token) {
        int width = size / tokens;
        return (tensors, samples) -> {
            for (int s = 0; s < samples; s++) {
                run(tensors, s * size + token * width, s * size + (token + 1) * width);
            }
        };
    }

    private void run(int[][] tensors, int from, int to) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        for (int i = from; i < to; i++) {
            out[i] = (int) TransformerArithmetic.gelu(x[i], inFractionBits, outFractionBits, outBits);
        }
    }
}
