package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arithmetic that autograd records.
 *
 * <p>DJL's PyTorch engine implements {@code mul(Number)}, {@code div(Number)} and their kin by
 * wrapping the number in a tensor whose storage is a Java direct buffer, and closes that tensor
 * as soon as the operation returns. Autograd keeps the tensor for the backward pass of
 * {@code mul} and {@code div}; once the JVM collects the buffer, the backward pass reads freed
 * memory and the gradient is garbage (measured: 151 of 200 steps wrong under allocation
 * pressure, and NaN gradients in ViT fine-tuning). Any array built from Java data has the same
 * lifetime, so arrays that a backward pass reads are made by the engine: a scalar made here owns
 * its storage, and autograd's reference keeps it alive.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * Returns a 0-d array holding {@code value}, of {@code like}'s type, on its manager and device.
     *
     * @param like the array the scalar will combine with
     * @param value the value, rounded to {@code like}'s type
     * @return the scalar, owned by the engine
     */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
