package ai.lutboost.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.LutConv2d;
import ai.lutboost.layer.LutMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen DJL model read as a list of datapath ops on named tensors, each op still holding its
 * float blocks: the graph the integer model is built from, and the float reference it is
 * calibrated on. Blocks become ops through a {@link LoweringRegistry}; a block without a lowering
 * is refused by name, since it cannot be mapped to the datapath safely.
 *
 * <p>A tensor of rank 2, {@code [T, D]}, is a token sequence: linear layers apply to each token.
 */
public final class FloatGraph {

    /** The name of the model's input tensor. */
    public static final String INPUT = "input";

    private final List<GraphNode> nodes;
    private final Map<String, int[]> shapes;
    private final String output;

    FloatGraph(List<GraphNode> nodes, Map<String, int[]> shapes, String output) {
        this.nodes = List.copyOf(nodes);
        this.shapes = new HashMap<>(shapes);
        this.output = output;
    }

    /**
     * Reads a model with the {@link LoweringRegistry#standard() standard} lowerings.
     *
     * @param root the frozen model
     * @param inputShape one sample's input shape, without the batch dimension
     * @return the graph
     * @throws LoweringException naming the first block that has no datapath op
     */
    public static FloatGraph trace(Block root, int[] inputShape) throws LoweringException {
        return trace(root, inputShape, LoweringRegistry.standard());
    }

    /**
     * Reads a model.
     *
     * @param root the frozen model
     * @param inputShape one sample's input shape, without the batch dimension
     * @param registry the lowerings
     * @return the graph
     * @throws LoweringException naming the first block that has no datapath op
     */
    public static FloatGraph trace(Block root, int[] inputShape, LoweringRegistry registry) throws LoweringException {
        GraphBuilder builder = new GraphBuilder(registry, inputShape);
        builder.lower(root, "");
        return builder.build();
    }

    /**
     * Returns the ops in forward order.
     *
     * @return the ops
     */
    public List<GraphNode> nodes() {
        return nodes;
    }

    /**
     * Returns the name of the input tensor.
     *
     * @return {@link #INPUT}
     */
    public String input() {
        return INPUT;
    }

    /**
     * Returns the name of the output tensor, the logits.
     *
     * @return the last op's output
     */
    public String output() {
        return output;
    }

    /**
     * Returns a tensor's shape, one sample's, without the batch dimension.
     *
     * @param tensor the tensor's name
     * @return a copy of its shape
     */
    public int[] shape(String tensor) {
        return shapes.get(tensor).clone();
    }

    /**
     * Evaluates one op in float, as the frozen model computes it: LUT layers in hard mode.
     *
     * @param node the op
     * @param values its inputs, in order
     * @param ps a parameter store for inference
     * @return the op's output, after its fused ReLU
     */
    public static NDArray evaluate(GraphNode node, List<NDArray> values, ParameterStore ps) {
        NDArray x = values.get(0);
        NDArray y = switch (node.kind()) {
            case LUT -> ((AbstractLutBlock) node.block()).apply(asInput(node, x), LutMode.HARD);
            case DENSE -> {
                NDArray out = node.block().forward(ps, new NDList(asInput(node, x)), false).singletonOrThrow();
                yield node.norm() == null ? out : node.norm().forward(ps, new NDList(out), false).singletonOrThrow();
            }
            case MAXPOOL, NORM -> node.block().forward(ps, new NDList(x), false).singletonOrThrow();
            case AVGPOOL -> node.block().forward(ps, new NDList(x), false).singletonOrThrow()
                    .reshape(x.getShape().get(0), -1);
            case ADD -> {
                AddRounding rounding = node.rounding() == null ? null : node.rounding().getAddRounding();
                yield rounding == null ? x.add(values.get(1)) : rounding.add(x, values.get(1), false);
            }
            case TOKENS -> node.embedder().embed(x);
            case ATTENTION -> node.attention().attend(x, values.get(1), values.get(2));
            case GELU -> Activation.gelu(x);
            case SELECT -> x.get(new NDIndex(":, 0, :"));
        };
        return node.relu() ? Activation.relu(y) : y;
    }

    /** A conv's input stays an image and a token sequence {@code [B, T, D]} stays one; others flatten. */
    private static NDArray asInput(GraphNode node, NDArray x) {
        boolean conv = node.block() instanceof Conv2d || node.block() instanceof LutConv2d;
        return conv || x.getShape().dimension() == 3 ? x : x.reshape(x.getShape().get(0), -1);
    }
}
