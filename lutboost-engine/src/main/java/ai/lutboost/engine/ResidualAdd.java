package ai.lutboost.engine;

/** A residual add: both operands round-shifted to the output format, added, saturated, then ReLU if set. */
final class ResidualAdd extends EngineOp {

    private final int size;
    private final int leftShift;
    private final int rightShift;
    private final int outBits;
    private final boolean relu;

    ResidualAdd(String name, int left, int right, int output, int size, int leftShift, int rightShift, int outBits,
            boolean relu) {
        super(name, new int[] {left, right}, output);
        this.size = size;
        this.leftShift = leftShift;
        this.rightShift = rightShift;
        this.outBits = outBits;
        this.relu = relu;
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
        int[] a = tensors[inputs[0]];
        int[] b = tensors[inputs[1]];
        int[] out = tensors[output];
        for (int i = from; i < to; i++) {
            long sum = FixedPoint.roundShift(a[i], leftShift) + FixedPoint.roundShift(b[i], rightShift);
            int y = (int) FixedPoint.saturate(sum, outBits);
            out[i] = relu && y < 0 ? 0 : y;
        }
    }
}
