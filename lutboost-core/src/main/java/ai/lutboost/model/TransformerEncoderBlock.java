package ai.lutboost.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm transformer encoder block: {@code x + attn(ln1(x))}, then
 * {@code x + mlp_fc2(gelu(mlp_fc1(ln2(x))))}. Input and output {@code [B, T, D]}.
 */
public class TransformerEncoderBlock extends AbstractZooBlock {

    private static final byte VERSION = 1;


    /**
     * Creates the block.
     *
     * @param dim the model width
     * @param heads attention heads
     * @param mlpDim the hidden width of the MLP
     */
    public TransformerEncoderBlock(int dim, int heads, int mlpDim) {
        super(VERSION);
        addChildBlock("ln1", LayerNorm.builder().axis(2).build());
        addChildBlock("attn", new MultiHeadSelfAttention(dim, heads));
        addChildBlock("ln2", LayerNorm.builder().axis(2).build());
        addChildBlock("mlp_fc1", Linear.builder().setUnits(mlpDim).build());
        addChildBlock("mlp_fc2", Linear.builder().setUnits(dim).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList normed = child("ln1").forward(ps, inputs, training);
        x = x.add(child("attn").forward(ps, normed, training).singletonOrThrow());
        NDList h = child("mlp_fc1").forward(ps, child("ln2").forward(ps, new NDList(x), training), training);
        NDArray m = child("mlp_fc2").forward(ps, Activation.gelu(h), training).singletonOrThrow();
        return new NDList(x.add(m));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        child("ln1").initialize(manager, dataType, inputShapes);
        child("attn").initialize(manager, dataType, inputShapes);
        child("ln2").initialize(manager, dataType, inputShapes);
        child("mlp_fc1").initialize(manager, dataType, inputShapes);
        child("mlp_fc2").initialize(manager, dataType, child("mlp_fc1").getOutputShapes(inputShapes));
    }
}
