package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * A residual add: both operands round-shifted to the output format, summed, saturated, then
 * {@code max(0, .)} when {@code relu}.
 *
 * @param name the block's path
 * @param left the first operand
 * @param right the second operand
 * @param output the output tensor
 * @param leftShift the first operand's fraction bits minus the output's
 * @param rightShift the second operand's fraction bits minus the output's
 * @param relu whether a ReLU follows
 */
public record AddOp(String name, String left, String right, String output, int leftShift, int rightShift,
        boolean relu) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(left, right);
    }

    @Override
    public OpType kind() {
        return OpType.ADD;
    }
}
