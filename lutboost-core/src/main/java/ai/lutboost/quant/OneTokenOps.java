package ai.lutboost.quant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ops of a transformer whose logits read one token of their output: after the last encoder
 * block only the class token reaches the classifier, so of that block the query, the attention
 * row, the projection, the residual adds, the second LayerNorm and the MLP are needed for that
 * token alone, while the keys and values of every token still enter the attention.
 *
 * <p>Going from the last op back, each tensor collects what its readers take of it: a
 * {@code select_token} takes its token, an op that maps each token on its own (LayerNorm, GELU,
 * an add, a linear layer on tokens) takes of its inputs what is taken of its output, attention
 * takes that of its queries and everything of its keys and values, and any other op takes
 * everything. Readers that take different tokens take everything between them.
 */
final class OneTokenOps {

    private static final int EVERYTHING = -1;

    private OneTokenOps() {}

    /**
     * Finds the ops that need compute one token only.
     *
     * @param model the model
     * @return the output tensor of each such op, to the token it keeps
     */
    static Map<String, Integer> of(IntegerModel model) {
        Map<String, Integer> taken = new HashMap<>();
        taken.put(model.output(), EVERYTHING);
        Map<String, Integer> one = new HashMap<>();
        List<IntegerOp> ops = model.ops();
        for (int i = ops.size() - 1; i >= 0; i--) {
            IntegerOp op = ops.get(i);
            int wanted = taken.getOrDefault(op.output(), EVERYTHING);
            boolean sequence = model.tensor(op.output()).shape().length == 2;
            boolean perToken = sequence && perToken(op);
            boolean single = wanted >= 0 && (perToken || (sequence && op instanceof AttentionOp));
            if (single) {
                one.put(op.output(), wanted);
            }
            List<String> inputs = op.inputs();
            for (int j = 0; j < inputs.size(); j++) {
                int take = op instanceof SelectTokenOp s ? s.token()
                        : single && (perToken || j == 0) ? wanted
                        : EVERYTHING;
                taken.merge(inputs.get(j), take, (a, b) -> a.equals(b) ? a : EVERYTHING);
            }
        }
        return one;
    }

    /** Whether row {@code t} of the op's output depends on row {@code t} of its inputs alone. */
    private static boolean perToken(IntegerOp op) {
        return op instanceof LayerNormOp || op instanceof GeluOp || op instanceof AddOp
                || op instanceof LutLayerOp l && l.conv() == null
                || op instanceof DenseLayerOp d && d.conv() == null;
    }
}
