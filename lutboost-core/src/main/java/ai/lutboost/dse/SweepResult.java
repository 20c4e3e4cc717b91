package ai.lutboost.dse;

import ai.lutboost.quant.ModelShapes;
import java.util.List;

/**
 * A finished sweep point. Its cost is recomputed from its layers whenever a sweep reads it, so a
 * changed cost model never needs the point trained again.
 *
 * @param point the uniform configuration, or null for a mixed one
 * @param testAccuracy the frozen model's test accuracy after the proxy training
 * @param seconds the proxy's wall time
 * @param layers the network's layers with their LUT configurations
 * @param cost the network's cost under the model the sweep runs with
 * @param area the LUT layers' synthesized area, or null when not synthesized
 */
public record SweepResult(SweepPoint point, double testAccuracy, double seconds, List<ModelShapes.Layer> layers,
        NetworkCost cost, SynthesizedArea area) {

    /**
     * The same result costed by another model.
     *
     * @param model the cost model
     * @return the result
     */
    public SweepResult costedBy(CostModel model) {
        return new SweepResult(point, testAccuracy, seconds, layers, NetworkCost.of(model, layers, 32, 8), area);
    }

    /**
     * The same result with its synthesized area.
     *
     * @param synthesized the area
     * @return the result
     */
    public SweepResult withArea(SynthesizedArea synthesized) {
        return new SweepResult(point, testAccuracy, seconds, layers, cost, synthesized);
    }
}
