package ai.lutboost.dse;

/**
 * A parameterized accelerator array and how it streams work. The LUT array is LUT-stationary:
 * each codebook's centroids and table are loaded once per pass and every row of the pass streams
 * past them, through the distance units and then the lookup-and-add lanes. The dense reference
 * array is weight-stationary in the same way. A pass covers {@code samplesPerPass} samples.
 *
 * @param centroidUnits sub-vector-to-centroid distances computed per cycle
 * @param outputLanes table entries added per cycle
 * @param macUnits multiply-accumulates per cycle of the dense reference array
 * @param bytesPerCycle bytes the parameter memory delivers per cycle when a pass loads its tiles
 * @param samplesPerPass samples streamed past one load of the parameters
 */
public record ArrayConfig(int centroidUnits, int outputLanes, int macUnits, int bytesPerCycle, int samplesPerPass) {

    /**
     * A small edge array: 16 distance units, 64 lanes, 256 MACs, 64 bytes per cycle, passes of 64
     * samples.
     */
    public static final ArrayConfig EDGE = new ArrayConfig(16, 64, 256, 64, 64);

    /** Validates the sizes. */
    public ArrayConfig {
        if (centroidUnits < 1 || outputLanes < 1 || macUnits < 1 || bytesPerCycle < 1 || samplesPerPass < 1) {
            throw new IllegalArgumentException("array sizes must be positive, got " + centroidUnits + ", "
                    + outputLanes + ", " + macUnits + ", " + bytesPerCycle + ", " + samplesPerPass);
        }
    }

    /**
     * The same array with another pass length.
     *
     * @param samples samples per pass
     * @return the array
     */
    public ArrayConfig withSamplesPerPass(int samples) {
        return new ArrayConfig(centroidUnits, outputLanes, macUnits, bytesPerCycle, samples);
    }
}
