package ai.lutboost.graph;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.lutboost.layer.LayerNames;
import ai.lutboost.layer.LutLinear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph as lowerings build it: ops are appended in forward order, each reading the current
 * tensor unless it names its inputs, and each op's output becomes the current tensor.
 */
public final class GraphBuilder {

    private final LoweringRegistry registry;
    private final List<GraphNode> nodes = new ArrayList<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private String current = FloatGraph.INPUT;
    private GraphNode last;

    GraphBuilder(LoweringRegistry registry, int[] inputShape) {
        this.registry = registry;
        shapes.put(FloatGraph.INPUT, inputShape.clone());
    }

    FloatGraph build() throws LoweringException {
        if (nodes.isEmpty()) {
            throw new LoweringException("the model has no layers to export");
        }
        return new FloatGraph(nodes, shapes, current);
    }

    /**
     * Lowers a block, typically a child of the block being lowered, through the registry.
     *
     * @param block the block
     * @param path its dotted path
     * @throws LoweringException if it has no lowering, or its lowering fails
     */
    public void lower(Block block, String path) throws LoweringException {
        registry.lower(block, path, this);
    }

    /**
     * Returns the tensor the next op reads.
     *
     * @return its name
     */
    public String current() {
        return current;
    }

    /**
     * Makes an earlier tensor the current one, to start a second path from it (a shortcut).
     *
     * @param tensor the tensor's name
     */
    public void setCurrent(String tensor) {
        if (!shapes.containsKey(tensor)) {
            throw new IllegalArgumentException("no tensor " + tensor + " in the graph yet");
        }
        current = tensor;
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
     * Appends the sum of two tensors.
     *
     * @param left the first operand
     * @param right the second operand, of the same shape
     * @param path the op's name
     * @param rounding the block that records the add's grids, or {@code null} for an exact add
     */
    public void add(String left, String right, String path, RoundedAdd rounding) {
        op(OpKind.ADD, path, List.of(left, right), null, shapes.get(left), rounding, null, null);
    }

    /**
     * Appends the token op on the current patch grid {@code [D, H, W]}.
     *
     * @param path the op's name
     * @param embedder the block holding the class token and position embeddings
     */
    public void tokens(String path, TokenEmbedder embedder) {
        int[] grid = shapes.get(current);
        op(OpKind.TOKENS, path, List.of(current), null, new int[] {grid[1] * grid[2] + 1, grid[0]}, null, embedder,
                null);
    }

    /**
     * Appends a layer normalization of the current tensor's tokens.
     *
     * @param path the op's name
     * @param layerNorm DJL's {@code LayerNorm}, whose {@code gamma} and {@code beta} the op takes
     */
    public void norm(String path, Block layerNorm) {
        op(OpKind.NORM, path, List.of(current), layerNorm, shapes.get(current), null, null, null);
    }

    /**
     * Appends self-attention between three projections.
     *
     * @param path the op's name
     * @param qkv the query, key and value tensors
     * @param attention the block that says the heads
     */
    public void attention(String path, List<String> qkv, Attention attention) {
        op(OpKind.ATTENTION, path, qkv, null, shapes.get(qkv.get(0)), null, null, attention);
    }

    /**
     * Appends a GELU of the current tensor.
     *
     * @param path the op's name
     */
    public void gelu(String path) {
        op(OpKind.GELU, path, List.of(current), null, shapes.get(current), null, null, null);
    }

    /**
     * Appends the selection of the current sequence's first token.
     *
     * @param path the op's name
     */
    public void selectFirstToken(String path) {
        int[] in = shapes.get(current);
        op(OpKind.SELECT, path, List.of(current), null, new int[] {in[in.length - 1]}, null, null, null);
    }

    /**
     * Returns a block's children under their local names.
     *
     * @param block the block
     * @return local name to child
     */
    public static Map<String, Block> children(Block block) {
        Map<String, Block> children = new LinkedHashMap<>();
        Map<String, String> names = LayerNames.localNames(block);
        for (var child : block.getChildren()) {
            children.put(names.get(child.getKey()), child.getValue());
        }
        return children;
    }

    /**
     * Returns a child's path.
     *
     * @param path the parent's path, empty for the model
     * @param name the child's local name
     * @return the dotted path
     */
    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * Names a block in a message.
     *
     * @param path the block's path, empty for the model
     * @return {@code block <path>}, or {@code the model}
     */
    public static String where(String path) {
        return path.isEmpty() ? "the model" : "block " + path;
    }

    GraphNode last() {
        return last;
    }

    /** A layer on the current tensor; a linear layer reads a flattened image. */
    GraphNode layer(OpKind kind, String path, Block block) {
        int[] in = shapes.get(current);
        boolean flatten = (block instanceof Linear || block instanceof LutLinear) && in.length != 2;
        int[] out = outputShape(block, flatten ? new int[] {Arrays.stream(in).reduce(1, Math::multiplyExact)} : in);
        return op(kind, path, List.of(current), block, out, null, null, null);
    }

    GraphNode op(OpKind kind, String path, Block block, int[] outputShape) {
        return op(kind, path, List.of(current), block, outputShape, null, null, null);
    }

    private GraphNode op(OpKind kind, String path, List<String> inputs, Block block, int[] outputShape,
            RoundedAdd rounding, TokenEmbedder embedder, Attention attention) {
        GraphNode n = new GraphNode(kind, path, inputs, block, outputShape, rounding, embedder, attention);
        shapes.put(path, outputShape.clone());
        nodes.add(n);
        last = n;
        current = path;
        return n;
    }

    static int[] outputShape(Block block, int[] in) {
        long[] batched = new long[in.length + 1];
        batched[0] = 1;
        for (int i = 0; i < in.length; i++) {
            batched[i + 1] = in[i];
        }
        Shape out = block.getOutputShapes(new Shape[] {new Shape(batched)})[0];
        int[] shape = new int[out.dimension() - 1];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(out.get(i + 1));
        }
        return shape;
    }
}
