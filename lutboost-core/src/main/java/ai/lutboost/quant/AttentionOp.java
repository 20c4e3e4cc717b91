package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * The core of multi-head self-attention on int8 queries, keys and values {@code [T, D]}, split
 * into heads of {@code D / heads} columns. Per head: {@code s[t][u] = (q_t . k_u) * multiplier}
 * at {@code scoreFractionBits} ({@code multiplier / 2^16} approximates {@code 1 / sqrt(D / heads)}),
 * the integer softmax of each row (unsigned 8-bit at {@code 2^-8}), then {@code sum_u p[t][u]
 * v_u}, rescaled by {@code outputShift} and saturated. Heads are written side by side, as the
 * float model concatenates them.
 *
 * @param name the attention block's path
 * @param query the queries
 * @param key the keys
 * @param value the values
 * @param output the attended values {@code [T, D]}
 * @param heads the number of heads
 * @param multiplier {@code round(2^16 / sqrt(D / heads))}
 * @param scoreFractionBits the scores' fraction bits: the query's plus the key's plus 16
 * @param outputShift {@code 8} plus the value's fraction bits minus the output's
 */
public record AttentionOp(
        String name, String query, String key, String value, String output, int heads, int multiplier,
        int scoreFractionBits, int outputShift) implements IntegerOp {

    /** Fraction bits of the score multiplier. */
    public static final int MULTIPLIER_FRACTION = 16;

    @Override
    public List<String> inputs() {
        return List.of(query, key, value);
    }

    @Override
    public OpType kind() {
        return OpType.ATTENTION;
    }
}
