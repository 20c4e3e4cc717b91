package ai.lutboost.dse;

import ai.lutboost.layer.LayerSpec;
import ai.lutboost.quant.ModelShapes;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole network's cost, as converted and as the dense int8 network of the same shape: layers
 * the recipe keeps dense cost the same int8 figures on both sides.
 *
 * @param layers every LUT layer's cost
 * @param lutBytes parameter memory of the converted network (tables, centroids, dense int8 weights)
 * @param int8Bytes parameter memory of the dense int8 network
 * @param lutEnergyPj energy of the converted network per sample
 * @param int8EnergyPj energy of the dense int8 network per sample
 * @param lutCycles cycles of the converted network per sample, layers one after another
 * @param int8Cycles cycles of the dense int8 network
 * @param bitsPerActivation input bits per activation of the LUT layers, weighted by their input length
 */
public record NetworkCost(List<LayerCost> layers, double lutBytes, double int8Bytes, double lutEnergyPj,
        double int8EnergyPj, double lutCycles, double int8Cycles, double bitsPerActivation) {

    /**
     * Returns the generated LUT layers' logic cells, by {@link AreaModel}.
     *
     * @return cells
     */
    public long logicCells() {
        return layers.stream().mapToLong(LayerCost::logicCells).sum();
    }

    /**
     * Costs a network.
     *
     * @param model the cost model
     * @param shapes the network's layers
     * @param accBits accumulator width
     * @param activationBits activation width
     * @return the cost
     */
    public static NetworkCost of(CostModel model, List<ModelShapes.Layer> shapes, int accBits, int activationBits) {
        List<LayerCost> lut = new ArrayList<>();
        double lutBytes = 0;
        double int8Bytes = 0;
        double lutEnergy = 0;
        double int8Energy = 0;
        double lutCycles = 0;
        double int8Cycles = 0;
        double bits = 0;
        double inputs = 0;
        for (ModelShapes.Layer l : shapes) {
            LayerShape shape = new LayerShape(l.name(), l.inputLength(), l.outputs(), l.positions());
            // A dense layer's int8 figures do not depend on the LUT configuration it is costed with.
            LayerSpec s = l.spec() != null ? l.spec() : LayerSpec.of(1, 2);
            LayerCost c = model.cost(shape, new LutConfig(s.v(), s.k(), s.metric(), s.tableBits(), accBits,
                    activationBits));
            int8Bytes += c.int8WeightBytes();
            int8Energy += c.int8EnergyPj();
            int8Cycles += c.denseCycles();
            if (l.spec() == null) {
                lutBytes += c.int8WeightBytes();
                lutEnergy += c.int8EnergyPj();
                lutCycles += c.denseCycles();
            } else {
                lut.add(c);
                lutBytes += c.lutBytes();
                lutEnergy += c.lutEnergyPj();
                lutCycles += c.lutCycles();
                bits += c.config().bitsPerActivation() * l.inputLength();
                inputs += l.inputLength();
            }
        }
        return new NetworkCost(lut, lutBytes, int8Bytes, lutEnergy, int8Energy, lutCycles, int8Cycles,
                inputs == 0 ? Double.NaN : bits / inputs);
    }
}
