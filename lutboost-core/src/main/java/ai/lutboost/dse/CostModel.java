package ai.lutboost.dse;

import ai.lutboost.layer.Metric;

/**
 * The per-layer cost model of DESIGN §8. Every quantity is per sample. Energy counts arithmetic
 * and parameter reads from SRAM, the parts that differ between a LUT layer and a dense one;
 * activation traffic, the same for both, is left out. docs/cost-model.md derives each formula.
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
        double tableBytes = c * k * n * config.tableBits() / 8.0;
        double centroidBytes = c * k * config.v() * config.activationBits() / 8.0;
        long distanceOps = m * c * k * config.v();
        long compares = m * c * (k - 1);
        long lookupAdds = m * c * n;
        // A distance element: a subtract, then a square (L2) or an absolute value (L1, Chebyshev),
        // then a sum (L2, L1) or a max (Chebyshev) in a wider register.
        double perElement = energy.int8Add()
                + (config.metric() == Metric.L2 ? energy.int8Mult() : energy.int8Add())
                + energy.int32Add();
        double lutEnergy = distanceOps * perElement
                + distanceOps * energy.sramRead(config.activationBits())
                + compares * energy.int32Add()
                + lookupAdds * (energy.int32Add() + energy.sramRead(config.tableBits()));
        double lutCycles = Math.max(Math.max((double) m * c * k / array.centroidUnits(),
                (double) lookupAdds / array.outputLanes()),
                lookupAdds * config.tableBits() / 8.0 / array.bytesPerCycle());

        long macs = m * d * n;
        double int8Energy = macs * (energy.int8Mult() + energy.int32Add() + energy.sramRead(8));
        double float32Energy = macs * (energy.fp32Mult() + energy.fp32Add() + energy.sramRead(32));
        double denseCycles = Math.max((double) macs / array.macUnits(), (double) macs / array.bytesPerCycle());
        return new LayerCost(shape, config, c, tableBytes, centroidBytes, distanceOps, compares, lookupAdds, lutEnergy,
                lutCycles, macs, (double) d * n, int8Energy, float32Energy, denseCycles);
    }
}
