package ai.lutboost.dse;

/**
 * A parameterized accelerator array for cycle estimates. The LUT datapath has three stages that
 * work in a pipeline: distance units, the lookup-and-add lanes, and the table memory port; the
 * dense reference has a MAC array and the same memory port.
 *
 * @param centroidUnits sub-vector-to-centroid distances computed per cycle
 * @param outputLanes table entries added per cycle
 * @param macUnits multiply-accumulates per cycle of the dense reference array
 * @param bytesPerCycle bytes the parameter memory delivers per cycle
 */
public record ArrayConfig(int centroidUnits, int outputLanes, int macUnits, int bytesPerCycle) {

    /** A small edge array: 16 distance units, 64 lanes, 256 MACs, 64 bytes per cycle. */
    public static final ArrayConfig EDGE = new ArrayConfig(16, 64, 256, 64);

    /** Validates the sizes. */
    public ArrayConfig {
        if (centroidUnits < 1 || outputLanes < 1 || macUnits < 1 || bytesPerCycle < 1) {
            throw new IllegalArgumentException("array sizes must be positive");
        }
    }
}
