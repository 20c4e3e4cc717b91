package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * LayerNorm over each token's {@code D} entries with the integer arithmetic of
 * {@code docs/datapath.md} §10: mean and variance in integers, an integer Newton square root,
 * then {@code rs(n * gamma + beta, 12 + gammaFractionBits - f_out)} per entry.
 *
 * @param name the norm's path
 * @param input the tokens {@code [T, D]}
 * @param output the normalized tokens {@code [T, D]}
 * @param epsilon {@code max(1, round(eps D^2 2^(2 f_in)))}
 * @param gamma {@code [D]}, 16-bit at {@code 2^-gammaFractionBits}
 * @param gammaFractionBits gamma's fraction bits
 * @param beta {@code [D]}, 32-bit at {@code 2^-(12 + gammaFractionBits)}
 */
public record LayerNormOp(
        String name, String input, String output, long epsilon, int[] gamma, int gammaFractionBits, int[] beta)
        implements IntegerOp {

    /** Width of gamma. */
    public static final int GAMMA_BITS = 16;

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    @Override
    public OpType kind() {
        return OpType.LAYER_NORM;
    }
}
