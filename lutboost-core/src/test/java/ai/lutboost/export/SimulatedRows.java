package ai.lutboost.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The simulation's batches built from, and taken apart into, the engine's per-sample integers. */
final class SimulatedRows {

    private SimulatedRows() {}

    /**
     * Integer samples as one float64 batch.
     *
     * @param manager where the batch lives
     * @param inputs the samples, each flattened
     * @param shape the batch's shape, samples first
     * @return the batch
     */
    static NDArray batch(NDManager manager, int[][] inputs, Shape shape) {
        int size = inputs[0].length;
        double[] flat = new double[inputs.length * size];
        for (int s = 0; s < inputs.length; s++) {
            for (int i = 0; i < size; i++) {
                flat[s * size + i] = inputs[s][i];
            }
        }
        return manager.create(flat, shape);
    }

    /**
     * One sample's part of a batched tensor.
     *
     * @param tensor the simulation's tensor of {@code samples} samples
     * @param samples the batch size
     * @param s the sample
     * @return its values as the engine's {@code int}s
     */
    static int[] row(NDArray tensor, int samples, int s) {
        double[] values = tensor.reshape(samples, tensor.size() / samples).get(s).toDoubleArray();
        int[] row = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            row[i] = (int) values[i];
        }
        return row;
    }

    /**
     * Every sample's part of a batched tensor, as golden vectors hold logits.
     *
     * @param tensor the simulation's tensor of {@code samples} samples
     * @param samples the batch size
     * @return {@code [samples][size]}
     */
    static long[][] rows(NDArray tensor, int samples) {
        double[] values = tensor.toDoubleArray();
        int size = values.length / samples;
        long[][] rows = new long[samples][size];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < size; i++) {
                rows[s][i] = (long) values[s * size + i];
            }
        }
        return rows;
    }
}
