package ai.lutboost.dse;

/**
 * What one layer costs per sample, as a LUT layer and as the dense layers it replaces.
 *
 * @param shape the layer
 * @param config its LUT configuration
 * @param codebooks {@code C = ceil(D / v)}
 * @param tableBytes {@code C K N tableBits / 8}
 * @param centroidBytes {@code C K v activationBits / 8}
 * @param distanceOps element operations of the distance: {@code M C K v}
 * @param compares argmin comparisons: {@code M C (K - 1)}
 * @param lookupAdds table reads, each added to an accumulator: {@code M C N}
 * @param lutEnergyPj the LUT layer's energy
 * @param lutCycles the LUT layer's cycles on the array
 * @param denseMacs the dense layer's multiply-accumulates: {@code M D N}
 * @param int8WeightBytes the dense int8 layer's weights: {@code D N}
 * @param int8EnergyPj the dense int8 layer's energy
 * @param float32EnergyPj the dense float32 layer's energy
 * @param denseCycles the dense layer's cycles on the array
 */
public record LayerCost(
        LayerShape shape, LutConfig config, long codebooks, double tableBytes, double centroidBytes, long distanceOps,
        long compares, long lookupAdds, double lutEnergyPj, double lutCycles, long denseMacs, double int8WeightBytes,
        double int8EnergyPj, double float32EnergyPj, double denseCycles) {

    /**
     * Returns the LUT layer's parameter memory: tables and centroids.
     *
     * @return bytes
     */
    public double lutBytes() {
        return tableBytes + centroidBytes;
    }
}
