package ai.lutboost.graph;

import ai.djl.nn.Block;

/**
 * How one block type becomes datapath ops: it appends ops to the graph, reading the graph's
 * current tensor, and lowers its children through the graph.
 *
 * @param <B> the block type
 */
@FunctionalInterface
public interface BlockLowering<B extends Block> {

    /**
     * Lowers a block.
     *
     * @param block the block
     * @param path the block's dotted path, empty for the model itself; ops and tensors are named
     *     by it
     * @param graph the graph being built
     * @throws LoweringException if the block, or a child, has no datapath form
     */
    void lower(B block, String path, GraphBuilder graph) throws LoweringException;
}
