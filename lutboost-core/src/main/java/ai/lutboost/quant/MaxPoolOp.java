package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * Max pooling without padding; exact on integers, so the output keeps the input's format.
 *
 * @param name the block's path
 * @param input the input tensor {@code [C, H, W]}
 * @param output the output tensor
 * @param kernel {@code {kh, kw}}
 * @param stride {@code {sh, sw}}
 */
public record MaxPoolOp(String name, String input, String output, int[] kernel, int[] stride) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.MAXPOOL2D;
    }
}
