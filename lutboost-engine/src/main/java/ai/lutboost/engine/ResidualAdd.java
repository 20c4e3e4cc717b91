package ai.lutboost.engine;

/** A residual add: both operands round-shifted to the output format, added, saturated, then ReLU if set. */
final class ResidualAdd extends ElementwiseOp {

    private final int leftShift;
    private final int rightShift;
    private final int outBits;
    private final boolean relu;

    ResidualAdd(String name, int left, int right, int output, int size, int leftShift, int rightShift, int outBits,
            boolean relu) {
        super(name, new int[] {left, right}, output, size);
        this.leftShift = leftShift;
        this.rightShift = rightShift;
        this.outBits = outBits;
        this.relu = relu;
    }

    @Override
    void run(int[][] tensors, int from, int to) {
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
