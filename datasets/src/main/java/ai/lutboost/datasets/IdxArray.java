package ai.lutboost.datasets;

import java.util.Arrays;

/**
 * The content of an IDX file of unsigned bytes: its dimensions and its data in row-major order.
 *
 * @param dims the dimensions, outermost first (for images {@code [count, rows, cols]})
 * @param data the values, {@code product(dims)} bytes, to be read as unsigned
 */
public record IdxArray(int[] dims, byte[] data) {

    /** Checks that the data length matches the dimensions. */
    public IdxArray {
        long expected = 1;
        for (int d : dims) {
            expected *= d;
        }
        if (expected != data.length) {
            throw new IllegalArgumentException(
                    "data has " + data.length + " bytes, dims " + Arrays.toString(dims)
                            + " need " + expected);
        }
    }

    /**
     * Returns the number of items, the first dimension.
     *
     * @return the item count
     */
    public int count() {
        return dims[0];
    }

    /**
     * Returns the number of values in one item, the product of all but the first dimension.
     *
     * @return the item size
     */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims);
    }
}
