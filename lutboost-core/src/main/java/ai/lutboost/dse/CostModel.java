package ai.lutboost.dse;

import ai.lutboost.layer.Metric;

/**
 * The per-layer cost model of DESIGN §8 on a LUT-stationary array ({@link ArrayConfig}). Every
 * quantity is per sample. Energy counts arithmetic, table reads and the parameter loads of each
 * pass, the parts that differ between a LUT layer and a dense one; activation traffic, the same
 * for both, is left out. docs/cost-model.md derives each formula.
 */
public final class CostModel {

    private final EnergyConstants energy;
    private final ArrayConfig array;

    /**
     * Creates a model.
     *
     * @param energy per-operation energies
     * @param array the array for cycle estimates
     */
    public CostModel(EnergyConstants energy, ArrayConfig array) {
        this.energy = energy;
        this.array = array;
    }

    /**
     * Returns the per-operation energies.
     *
     * @return the constants
     */
    public EnergyConstants energy() {
        return energy;
    }

    /**
     * Returns the array the cycles are estimated for.
     *
     * @return the array
     */
    public ArrayConfig array() {
        return array;
    }

    /**
     * The default model: Horowitz's 45 nm energies and the {@link ArrayConfig#EDGE} array.
     *
     * @return the model
     */
    public static CostModel standard() {
        return new CostModel(EnergyConstants.HOROWITZ_45NM, ArrayConfig.EDGE);
    }

    /**
     * Costs one layer.
     *
     * @param shape the layer
     * @param config its LUT configuration
     * @return the cost
     */
    public LayerCost cost(LayerShape shape, LutConfig config) {
        long d = shape.inputLength();
        long n = shape.outputs();
        long m = shape.positions();
        long c = (d + config.v() - 1) / config.v();
        long k = config.k();
        double passes = 1.0 / array.samplesPerPass();
        double tableBytes = c * k * n * config.tableBits() / 8.0;
        double centroidBytes = c * k * config.v() * config.activationBits() / 8.0;
        double codebookTableBytes = k * n * config.tableBits() / 8.0;
        long distanceOps = m * c * k * config.v();
        long compares = m * c * (k - 1);
        long lookupAdds = m * c * n;
        // A distance element: a subtract, then a square (L2) or an absolute value (L1, Chebyshev),
        // then a sum (L2, L1) or a max (Chebyshev) in a register as wide as the distance; the argmin
        // compares distances of that width. The centroid element comes from the distance unit's own
        // register, which costs nothing beyond the arithmetic.
        double distanceAdd = energy.add(AreaModel.distanceBits(config.activationBits(), config.v()));
        double perElement = energy.int8Add()
                + (config.metric() == Metric.L2 ? energy.int8Mult() : energy.int8Add())
                + distanceAdd;
        double search = distanceOps * perElement + compares * distanceAdd;
        double lookups = lookupAdds * (energy.int32Add() + energy.sramAccess(config.tableBits(), codebookTableBytes));
        // A pass reads every centroid and table entry once from the layer's parameter memory and
        // writes each table entry into its codebook's table memory.
        double lutBytes = tableBytes + centroidBytes;
        double loads = passes * (energy.sramAccess(8 * lutBytes, lutBytes)
                + energy.sramAccess(8 * tableBytes, codebookTableBytes));
        double lutCycles = Math.max((double) m * c * k / array.centroidUnits(), (double) lookupAdds / array.outputLanes())
                + passes * lutBytes / array.bytesPerCycle();

        long macs = m * d * n;
        double weights = (double) d * n;
        double int8Macs = macs * (energy.int8Mult() + energy.int32Add());
        double int8Loads = passes * energy.sramAccess(8 * weights, weights);
        double float32Energy = macs * (energy.fp32Mult() + energy.fp32Add())
                + passes * energy.sramAccess(32 * weights, 4 * weights);
        double denseCycles = (double) macs / array.macUnits() + passes * weights / array.bytesPerCycle();
        long cells = AreaModel.logicCells(shape, config, config.activationBits(), 1);
        return new LayerCost(shape, config, c, tableBytes, centroidBytes, distanceOps, compares, lookupAdds, search,
                lookups, loads, search + lookups + loads, lutCycles, macs, weights, int8Macs, int8Loads,
                int8Macs + int8Loads, float32Energy, denseCycles, cells, AreaModel.memoryBits(shape, config));
    }
}
