package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * Global average pooling: per channel, the sum over {@code H x W} rescaled by
 * {@code rq(sum, multiplier, shift)}, where {@code multiplier / 2^shift} approximates
 * {@code 2^(f_out - f_in) / (H W)} with {@code multiplier < 2^16}: the shift also aligns the
 * input's fraction {@code f_in} to the output's {@code f_out}.
 *
 * @param name the block's path
 * @param input the input tensor {@code [C, H, W]}
 * @param output the output tensor {@code [C]}
 * @param multiplier the integer multiplier
 * @param shift the right shift
 */
public record GlobalAvgPoolOp(String name, String input, String output, int multiplier, int shift)
        implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.GLOBAL_AVGPOOL2D;
    }

    /**
     * The multiplier and shift for a window of {@code count} elements: the largest shift whose
     * multiplier {@code round(2^shift / count)} stays below {@code 2^16}.
     *
     * @param count elements averaged
     * @return {@code {multiplier, shift}}
     */
    public static int[] reciprocal(int count) {
        int shift = 0;
        while (Math.round(Math.scalb(1.0, shift + 1) / count) < (1 << 16)) {
            shift++;
        }
        return new int[] {(int) Math.round(Math.scalb(1.0, shift) / count), shift};
    }
}
