package ai.lutboost.dse;

import java.util.List;

/**
 * The logic cells Yosys counted for a point's LUT layers, as {@code lutboost rtl} generates them,
 * beside the {@link AreaModel}'s estimate of the same layers.
 *
 * @param layers each LUT layer
 * @param logicCells Yosys's cells over all LUT layers, memories excluded
 * @param analyticalCells the area model's cells over the same layers
 */
public record SynthesizedArea(List<Layer> layers, long logicCells, long analyticalCells) {

    /**
     * One layer's count.
     *
     * @param name the layer
     * @param logicCells Yosys's cells other than memories
     * @param flipFlops of those, flip-flops
     * @param analyticalCells the area model's estimate
     * @param seconds the synthesis's wall time
     */
    public record Layer(String name, long logicCells, long flipFlops, long analyticalCells, double seconds) {}

    /**
     * Sums the layers.
     *
     * @param layers the layers
     * @return the area
     */
    public static SynthesizedArea of(List<Layer> layers) {
        return new SynthesizedArea(List.copyOf(layers), layers.stream().mapToLong(Layer::logicCells).sum(),
                layers.stream().mapToLong(Layer::analyticalCells).sum());
    }

    /**
     * Returns Yosys's count over the analytical estimate.
     *
     * @return the ratio
     */
    public double ratio() {
        return (double) logicCells / analyticalCells;
    }
}
