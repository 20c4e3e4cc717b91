package ai.lutboost.quant;

import java.util.Arrays;

/**
 * A tensor of the integer graph: its name, its shape without the batch dimension (channel-major
 * for images) and the fixed-point format of its elements.
 *
 * @param name the name ops refer to it by
 * @param shape the shape, e.g. {@code [C, H, W]} or {@code [N]}
 * @param format the format of every element
 */
public record IntegerTensor(String name, int[] shape, FixedPointFormat format) {

    /** Copies the shape. */
    public IntegerTensor {
        shape = shape.clone();
    }

    /**
     * Returns the number of elements per sample.
     *
     * @return the product of the shape
     */
    public int size() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /**
     * Returns the shape.
     *
     * @return a copy
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }
}
