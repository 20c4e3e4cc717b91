package ai.lutboost.dse;

/**
 * Energy per operation in picojoules. The defaults are Horowitz's 45 nm, 0.9 V figures
 * (ISSCC 2014, "Computing's energy problem (and what we can do about it)"); docs/cost-model.md
 * lists them with how each enters the model.
 *
 * @param int8Add an 8-bit integer add (also a compare or an absolute value)
 * @param int8Mult an 8-bit integer multiply
 * @param int32Add a 32-bit integer add
 * @param fp32Add a float32 add
 * @param fp32Mult a float32 multiply
 * @param sramRead64 reading 64 bits from an 8 KB SRAM
 */
public record EnergyConstants(
        double int8Add, double int8Mult, double int32Add, double fp32Add, double fp32Mult, double sramRead64) {

    /** Horowitz 2014, 45 nm. */
    public static final EnergyConstants HOROWITZ_45NM = new EnergyConstants(0.03, 0.2, 0.1, 0.9, 3.7, 10.0);

    /** The SRAM the {@link #sramRead64} figure is for. */
    public static final double REFERENCE_SRAM_BYTES = 8192;

    /**
     * Energy of an integer add (or compare) of {@code bits}, pro rata of the 32-bit add.
     *
     * @param bits the width
     * @return picojoules
     */
    public double add(int bits) {
        return int32Add * bits / 32.0;
    }

    /**
     * Energy of reading (or writing) {@code bits} from an SRAM of {@code capacityBytes}: pro rata
     * of a 64-bit read, scaled by the square root of the capacity against 8 KB. The square root
     * is the wire length of a square array; it reproduces Horowitz's 8 KB, 32 KB and 1 MB figures
     * (10, 20 and 100 pJ) as 10, 20 and 113 pJ.
     *
     * @param bits bits read
     * @param capacityBytes the memory's size
     * @return picojoules
     */
    public double sramAccess(double bits, double capacityBytes) {
        return sramRead64 * bits / 64.0 * Math.sqrt(capacityBytes / REFERENCE_SRAM_BYTES);
    }
}
