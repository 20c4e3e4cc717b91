package ai.lutboost.dse;

/**
 * The shape of one layer as the cost model sees it: a matrix product of {@code positions} rows
 * of length {@code inputLength} with an {@code inputLength x outputs} matrix, per sample.
 *
 * @param name the layer's path
 * @param inputLength {@code D}: input features (linear) or patch length {@code C_in kh kw} (conv)
 * @param outputs {@code N}: output features or channels
 * @param positions {@code M}: 1 for a linear layer, {@code H_out W_out} for a conv, tokens for an
 *     attention projection
 */
public record LayerShape(String name, long inputLength, long outputs, long positions) {

    /** Validates the sizes. */
    public LayerShape {
        if (inputLength < 1 || outputs < 1 || positions < 1) {
            throw new IllegalArgumentException("layer " + name + ": sizes must be positive, got D=" + inputLength
                    + " N=" + outputs + " M=" + positions);
        }
    }
}
