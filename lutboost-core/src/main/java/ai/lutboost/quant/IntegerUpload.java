package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Integers uploaded as a float tensor of the simulation's chosen type, float32 or float64, without
 * a float64 copy left beside a float32 one. The caller has shown the values exact in that type.
 */
final class IntegerUpload {

    private IntegerUpload() {}

    static NDArray of(NDManager manager, int[] values, Shape shape, DataType type) {
        if (type == DataType.FLOAT64) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return manager.create(d, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = values[i];
        }
        return manager.create(f, shape);
    }

    static NDArray of(NDManager manager, double[] values, Shape shape, DataType type) {
        if (type == DataType.FLOAT64) {
            return manager.create(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f, shape);
    }
}
