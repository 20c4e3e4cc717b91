package ai.lutboost.engine;

import java.util.Arrays;
import java.util.List;

/**
 * Which ops need to compute only one token of their output sequence. A classifier that reads the
 * class token after the last encoder block needs, of that block, only that token's query,
 * attention row, projection, residual adds, LayerNorm and MLP, while the keys and values of every
 * token still enter its attention: in the ViT-tiny recipes, with 50 tokens and 4 blocks, 17.5 % of the
 * model's LUT searches are left out.
 *
 * <p>Walking the ops from the last, each tensor is marked with what its readers take of it:
 * nothing yet, one token, or everything. A {@code select_token} takes its token; a
 * {@link EngineOp#tokenWise} op passes on what is taken of its output to its inputs; attention
 * passes it on to its queries and takes all of its keys and values; every other op takes all of
 * its inputs. Two readers taking different tokens take everything. An op whose output is taken at
 * one token computes that token alone; the rows it leaves are read by no op, so every logit is
 * the one the whole computation gives.
 */
final class TokenPlan {

    /** An op computes its whole output. */
    static final int ALL = -1;
    private static final int NONE = -2;

    /** Per op, the one token of its {@code [T, N]} output it computes, or {@link #ALL}. */
    private final int[] tokens;
    /** Per op computing one token, its output's {@code T}. */
    private final int[] lengths;

    private TokenPlan(int[] tokens, int[] lengths) {
        this.tokens = tokens;
        this.lengths = lengths;
    }

    /**
     * Plans a model.
     *
     * @param ops the ops in execution order
     * @param shapes each tensor's shape per sample, by index
     * @param output the logits' tensor
     * @return the plan
     */
    static TokenPlan of(List<EngineOp> ops, List<int[]> shapes, int output) {
        int[] taken = new int[shapes.size()];
        Arrays.fill(taken, NONE);
        taken[output] = ALL;
        int[] tokens = new int[ops.size()];
        int[] lengths = new int[ops.size()];
        for (int i = ops.size() - 1; i >= 0; i--) {
            EngineOp op = ops.get(i);
            int wanted = taken[op.output];
            int[] shape = shapes.get(op.output);
            boolean one = wanted >= 0 && shape.length == 2 && (op.tokenWise() || op instanceof SelfAttention);
            tokens[i] = one ? wanted : ALL;
            lengths[i] = shape[0];
            for (int j = 0; j < op.inputs.length; j++) {
                int take;
                if (op instanceof SelectToken s) {
                    take = s.token;
                } else {
                    take = one && (op.tokenWise() || j == 0) ? wanted : ALL;
                }
                int before = taken[op.inputs[j]];
                taken[op.inputs[j]] = before == NONE || before == take ? take : ALL;
            }
        }
        return new TokenPlan(tokens, lengths);
    }

    /**
     * Makes op {@code i}'s kernel as the plan runs it.
     *
     * @param i the op's place in execution order
     * @param op the op
     * @param capacity the most samples a block holds
     * @return the kernel
     */
    EngineOp.Kernel kernel(int i, EngineOp op, int capacity) {
        return tokens[i] == ALL ? op.kernel(capacity) : op.tokenKernel(capacity, lengths[i], tokens[i]);
    }

    /**
     * The one token op {@code i} computes.
     *
     * @param i the op's place in execution order
     * @return the token, or {@link #ALL}
     */
    int token(int i) {
        return tokens[i];
    }
}
