package ai.lutboost.dse;

import ai.lutboost.layer.Metric;

/**
 * An analytical gate count of the layer {@code lutboost rtl} generates (docs/hardware.md): one
 * centroid computation module comparing {@code P} centroids a cycle, one lookup-and-accumulate
 * module adding a column a cycle, and the serial rescaler. It counts two-input generic cells the
 * way a textbook does, so that Yosys's counts can be set beside it: an adder, subtractor or
 * comparator bit is a full adder of {@value #FULL_ADDER} cells, a multiplexer bit one cell, a
 * register bit one flip-flop, an {@code n x n} array multiplier {@code n^2} AND cells plus
 * {@code n (n - 1)} full adders. Memories (tables, centroids, biases, shifts) are counted apart
 * in bits. docs/cost-model.md derives each term.
 */
public final class AreaModel {

    /** Cells of one full adder: two XOR, two AND, one OR. */
    public static final int FULL_ADDER = 5;
    /** The accumulators' width. */
    public static final int ACC_BITS = 32;
    /** The per-column shift's width. */
    public static final int SHIFT_BITS = 8;
    /** The rescaler's width: a 32-bit accumulator shifted left or right within 64 bits. */
    private static final int WIDE = 64;

    private AreaModel() {}

    /**
     * The generated layer's logic cells (memories excluded).
     *
     * @param shape the layer ({@code D}, {@code N})
     * @param config its configuration ({@code v}, {@code K}, metric, widths)
     * @param outBits the output width
     * @param centroidsPerCycle {@code P}
     * @return cells
     */
    public static long logicCells(LayerShape shape, LutConfig config, int outBits, int centroidsPerCycle) {
        return ccmCells(config, centroidsPerCycle) + immCells(shape, config, outBits)
                + (long) config.v() * config.activationBits() + 8;
    }

    /**
     * The generated layer's memory bits: tables, centroids, biases and shifts.
     *
     * @param shape the layer
     * @param config its configuration
     * @return bits
     */
    public static long memoryBits(LayerShape shape, LutConfig config) {
        long c = (shape.inputLength() + config.v() - 1) / config.v();
        return c * config.k() * (shape.outputs() * config.tableBits() + (long) config.v() * config.activationBits())
                + shape.outputs() * (ACC_BITS + SHIFT_BITS);
    }

    /**
     * The width of a distance in the generated CCM: a squared difference of two {@code w}-bit
     * values is below {@code 2^(2w)}, {@code v} of them below {@code 2^(2w + log2 v)}, plus a bit.
     *
     * @param w input width
     * @param v sub-vector length
     * @return bits
     */
    public static int distanceBits(int w, int v) {
        return 2 * w + ceilLog2(v + 1) + 1;
    }

    /** Distance lanes, the argmin, its registers and the centroid counter. */
    static long ccmCells(LutConfig config, int perCycle) {
        int w = config.activationBits();
        long distanceBits = distanceBits(w, config.v());
        long indexBits = Math.max(1, ceilLog2(config.k()));
        long difference = (long) FULL_ADDER * (w + 2);
        long absolute = (long) FULL_ADDER * (w + 2) + (w + 2);
        long combine = config.metric() == Metric.CHEBYSHEV
                ? FULL_ADDER * distanceBits + distanceBits
                : FULL_ADDER * distanceBits;
        long square = config.metric() == Metric.L2 ? multiplier(w + 1) : 0;
        long lane = difference + absolute + square + combine;
        long argmin = FULL_ADDER * distanceBits + distanceBits + indexBits;
        long registers = distanceBits + 2 * indexBits + 32 + 2;
        return (long) perCycle * config.v() * lane + perCycle * argmin + registers + FULL_ADDER * 32L;
    }

    /** Accumulators with their write and read multiplexers, the adder, the rescaler, the output register. */
    static long immCells(LayerShape shape, LutConfig config, int outBits) {
        long n = shape.outputs();
        long columnBits = Math.max(1, ceilLog2(n));
        long accumulators = n * ACC_BITS * 3 + n * columnBits;
        long reads = (n - 1) * (ACC_BITS + SHIFT_BITS);
        long adder = (long) FULL_ADDER * ACC_BITS;
        long shifters = 2L * WIDE * ceilLog2(WIDE) + (long) WIDE * ceilLog2(WIDE);
        long rounding = (long) FULL_ADDER * WIDE;
        long saturation = 2L * FULL_ADDER * WIDE + 3L * WIDE;
        long output = 2 * n * outBits;
        return accumulators + reads + adder + shifters + rounding + saturation + output + columnBits + 4;
    }

    private static long multiplier(int bits) {
        return (long) bits * bits + (long) FULL_ADDER * bits * (bits - 1);
    }

    private static int ceilLog2(long x) {
        return x <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(x - 1);
    }
}
