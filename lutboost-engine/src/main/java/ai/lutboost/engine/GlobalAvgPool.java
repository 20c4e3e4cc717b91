package ai.lutboost.engine;

/**
 * Global average pooling: per channel {@code rq(sum, multiplier, shift)}. The sum of at most
 * {@code 2^26} values of at most 16 bits stays below {@code 2^42}, and times a multiplier below
 * {@code 2^16} below {@code 2^58}: no overflow in a {@code long}.
 */
final class GlobalAvgPool extends EngineOp {

    private final int channels;
    private final int plane;
    private final int multiplier;
    private final int shift;
    private final int outBits;

    GlobalAvgPool(String name, int input, int output, int[] shape, int multiplier, int shift, int outBits) {
        super(name, new int[] {input}, output);
        channels = shape[0];
        plane = shape[1] * shape[2];
        this.multiplier = multiplier;
        this.shift = shift;
        this.outBits = outBits;
    }

    @Override
    Kernel kernel(int capacity) {
        return this::run;
    }

    /** A block's planes follow one another, so every sample's channel is one plane of the list. */
    private void run(int[][] tensors, int samples) {
        int[] x = tensors[inputs[0]];
        int[] out = tensors[output];
        for (int c = 0; c < samples * channels; c++) {
            long sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += x[c * plane + i];
            }
            out[c] = (int) FixedPoint.rescale(sum, multiplier, shift, outBits);
        }
    }
}
