package ai.lutboost.quant;

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
    public String kind() {
        return "select_token";
    }
}
