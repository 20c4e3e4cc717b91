package ai.lutboost.quant;

/**
 * Where a convolution's patches come from: kernel, stride, zero padding and dilation, each as
 * {@code (height, width)}. Patch elements are ordered as DJL's {@code Conv2d} weights,
 * {@code (input channel, kernel row, kernel column)}.
 *
 * @param kernel {@code {kh, kw}}
 * @param stride {@code {sh, sw}}
 * @param padding {@code {ph, pw}}
 * @param dilation {@code {dh, dw}}
 */
public record ConvGeometry(int[] kernel, int[] stride, int[] padding, int[] dilation) {

    /** Copies the arrays. */
    public ConvGeometry {
        kernel = kernel.clone();
        stride = stride.clone();
        padding = padding.clone();
        dilation = dilation.clone();
    }

    /**
     * Returns the output extent along one axis.
     *
     * @param axis 0 for height, 1 for width
     * @param in the input extent
     * @return the output extent
     */
    public int outputExtent(int axis, int in) {
        int extent = dilation[axis] * (kernel[axis] - 1) + 1;
        return (in + 2 * padding[axis] - extent) / stride[axis] + 1;
    }

    @Override
    public int[] kernel() {
        return kernel.clone();
    }

    @Override
    public int[] stride() {
        return stride.clone();
    }

    @Override
    public int[] padding() {
        return padding.clone();
    }

    @Override
    public int[] dilation() {
        return dilation.clone();
    }
}
