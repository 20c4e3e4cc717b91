package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * Picks one token of a sequence {@code [T, D]}: the class token a classifier reads. The output
 * {@code [D]} keeps the input's format.
 *
 * @param name the op's path
 * @param input the tokens
 * @param output the selected token
 * @param token its index
 */
public record SelectTokenOp(String name, String input, String output, int token) implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.SELECT_TOKEN;
    }
}
