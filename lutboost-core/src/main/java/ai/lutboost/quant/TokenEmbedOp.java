package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * Turns a patch embedding's {@code [D, H, W]} output into a token sequence {@code [T, D]}: token
 * {@code 1 + h W + w} (or {@code h W + w} without a class token) is column {@code (h, w)}
 * round-shifted to the output format plus its position embedding; the class token, when there is
 * one, is its embedding plus position 0. Then saturation.
 *
 * @param name the model's path for the op ({@code tokens})
 * @param input the patch embedding's output {@code [D, H, W]}
 * @param output the tokens {@code [T, D]}
 * @param shift the input's fraction bits minus the output's
 * @param classToken whether token 0 is a learned class token
 * @param embedding {@code [T][D]} in the output format: position embeddings, with the class
 *     token's embedding added into row 0
 */
public record TokenEmbedOp(String name, String input, String output, int shift, boolean classToken, int[] embedding)
        implements IntegerOp {

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.TOKENS;
    }
}
