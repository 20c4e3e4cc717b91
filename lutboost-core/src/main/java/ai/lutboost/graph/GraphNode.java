package ai.lutboost.graph;

import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * One datapath op with the float blocks it came from. It writes the tensor named like it.
 */
public final class GraphNode {

    private final OpKind kind;
    private final String name;
    private final List<String> inputs;
    private final Block block;
    private final int[] outputShape;
    private final RoundedAdd rounding;
    private final TokenEmbedder embedder;
    private final Attention attention;
    private BatchNorm norm;
    private boolean relu;
    private int[] pool;

    GraphNode(OpKind kind, String name, List<String> inputs, Block block, int[] outputShape, RoundedAdd rounding,
            TokenEmbedder embedder, Attention attention) {
        this.kind = kind;
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.block = block;
        this.outputShape = outputShape.clone();
        this.rounding = rounding;
        this.embedder = embedder;
        this.attention = attention;
    }

    /**
     * Returns the op.
     *
     * @return the op's kind
     */
    public OpKind kind() {
        return kind;
    }

    /**
     * Returns the op's name: the path of the block it came from.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the tensors the op reads, in operand order.
     *
     * @return the input tensors' names
     */
    public List<String> inputs() {
        return inputs;
    }

    /**
     * Returns the tensor the op writes, named like the op.
     *
     * @return the output tensor's name
     */
    public String output() {
        return name;
    }

    /**
     * Returns the float block: the layer of a LUT or dense op, the pooling lambda, the norm.
     *
     * @return the block, or {@code null} for ops without one
     */
    public Block block() {
        return block;
    }

    /**
     * Returns one sample's output shape, without the batch dimension.
     *
     * @return a copy of the shape
     */
    public int[] outputShape() {
        return outputShape.clone();
    }

    /**
     * Returns, for an add, the block that records its grids.
     *
     * @return the block, or {@code null} for an exact add and for other ops
     */
    public RoundedAdd rounding() {
        return rounding;
    }

    /**
     * Returns, for the token op, the block that holds the class token and position embeddings.
     *
     * @return the embedder, or {@code null} for other ops
     */
    public TokenEmbedder embedder() {
        return embedder;
    }

    /**
     * Returns, for an attention op, the block that says its heads.
     *
     * @return the attention, or {@code null} for other ops
     */
    public Attention attention() {
        return attention;
    }

    /**
     * Returns the batch norm folded into a dense op.
     *
     * @return the norm, or {@code null}
     */
    public BatchNorm norm() {
        return norm;
    }

    /**
     * Returns whether a ReLU follows the op, fused into it.
     *
     * @return whether the op's output is rectified
     */
    public boolean relu() {
        return relu;
    }

    /**
     * Returns a max pooling's kernel, equal to its stride.
     *
     * @return {@code [h, w]}, or {@code null} for other ops
     */
    public int[] pool() {
        return pool == null ? null : pool.clone();
    }

    void setNorm(BatchNorm norm) {
        this.norm = norm;
    }

    void setRelu() {
        this.relu = true;
    }

    void setPool(int[] pool) {
        this.pool = pool.clone();
    }
}
