package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * GELU on every element with the integer polynomial of {@code docs/datapath.md} §10, from the
 * input's format to the output's.
 *
 * @param name the op's path
 * @param input the input tensor
 * @param output the output tensor, of the same shape
 */
public record GeluOp(String name, String input, String output) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.GELU;
    }
}
