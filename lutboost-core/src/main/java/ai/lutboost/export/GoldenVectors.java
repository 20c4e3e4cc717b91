package ai.lutboost.export;

/**
 * Test vectors for hardware bring-up: quantized inputs, the logits the integer simulation
 * computed for them, and the true labels.
 *
 * @param inputs {@code [samples][input size]} input integers
 * @param logits {@code [samples][classes]} logit integers
 * @param labels {@code [samples]} class indices
 */
public record GoldenVectors(int[][] inputs, long[][] logits, int[] labels) {

    /**
     * Returns the number of samples.
     *
     * @return the sample count
     */
    public int samples() {
        return labels.length;
    }
}
