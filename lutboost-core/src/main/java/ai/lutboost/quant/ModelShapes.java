package ai.lutboost.quant;

import ai.lutboost.graph.FloatGraph;
import ai.lutboost.graph.GraphNode;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.graph.OpKind;
import ai.djl.nn.Block;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a model as matrix products, for cost models: each LUT or dense layer's
 * {@code D}, {@code N} and output positions {@code M}, read from the same graph the exporter
 * builds.
 */
public final class ModelShapes {

    private ModelShapes() {}

    /**
     * One layer.
     *
     * @param name the layer's path
     * @param inputLength {@code D}
     * @param outputs {@code N}
     * @param positions {@code M}
     * @param spec the LUT spec, or null for a dense layer
     */
    public record Layer(String name, long inputLength, long outputs, long positions, LayerSpec spec) {}

    /**
     * Lists a model's layers.
     *
     * @param root the model (converted; batch norms after LUT layers folded, as after freeze)
     * @param inputShape one sample's shape
     * @return the layers in forward order
     * @throws LoweringException if a block has no datapath op
     */
    public static List<Layer> of(Block root, int[] inputShape) throws LoweringException {
        FloatGraph g = FloatGraph.trace(root, inputShape);
        List<Layer> out = new ArrayList<>();
        for (GraphNode n : g.nodes()) {
            if (n.kind() != OpKind.LUT && n.kind() != OpKind.DENSE) {
                continue;
            }
            int[] o = n.outputShape();
            long positions = o.length == 3 ? (long) o[1] * o[2] : 1;
            long outputs = o[0];
            long d;
            if (n.block() instanceof AbstractLutBlock lut) {
                d = lut.getInputLength();
                out.add(new Layer(n.name(), d, outputs, positions, lut.getSpec()));
            } else {
                long weights = n.block().getParameters().get("weight").getArray().size();
                d = weights / outputs;
                out.add(new Layer(n.name(), d, outputs, positions, null));
            }
        }
        return out;
    }
}
