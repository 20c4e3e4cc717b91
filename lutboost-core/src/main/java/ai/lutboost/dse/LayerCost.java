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
 * @param searchEnergyPj the distances and the argmin, centroids read from registers
 * @param lookupEnergyPj the table reads from each codebook's local table memory and their adds
 * @param lutLoadEnergyPj loading centroids and tables once per pass, per sample
 * @param lutEnergyPj the LUT layer's energy: search, lookups and loads
 * @param lutCycles the LUT layer's cycles on the array
 * @param denseMacs the dense layer's multiply-accumulates: {@code M D N}
 * @param int8WeightBytes the dense int8 layer's weights: {@code D N}
 * @param int8MacEnergyPj the dense int8 layer's multiply-accumulates, weights read from registers
 * @param int8LoadEnergyPj loading its weights once per pass, per sample
 * @param int8EnergyPj the dense int8 layer's energy
 * @param float32EnergyPj the dense float32 layer's energy, computed the same way
 * @param denseCycles the dense layer's cycles on the array
 * @param logicCells the generated LUT layer's logic cells ({@link AreaModel})
 * @param memoryBits the generated LUT layer's memory bits
 */
public record LayerCost(
        LayerShape shape, LutConfig config, long codebooks, double tableBytes, double centroidBytes, long distanceOps,
        long compares, long lookupAdds, double searchEnergyPj, double lookupEnergyPj, double lutLoadEnergyPj,
        double lutEnergyPj, double lutCycles, long denseMacs, double int8WeightBytes, double int8MacEnergyPj,
        double int8LoadEnergyPj, double int8EnergyPj, double float32EnergyPj, double denseCycles, long logicCells,
        long memoryBits) {

    /**
     * Returns the LUT layer's parameter memory: tables and centroids.
     *
     * @return bytes
     */
    public double lutBytes() {
        return tableBytes + centroidBytes;
    }
}
