package ai.lutboost.quant;

import ai.lutboost.engine.BundleSchema.OpType;
import java.util.List;

/**
 * One operation of the integer graph (DESIGN §5). Ops run in list order; each reads tensors
 * written before it and writes one new tensor.
 */
public sealed interface IntegerOp permits LutLayerOp, DenseLayerOp, MaxPoolOp, GlobalAvgPoolOp, AddOp, TokenEmbedOp,
        LayerNormOp, AttentionOp, GeluOp, SelectTokenOp {

    /**
     * Returns the op's name: the layer's path in the model.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the tensors read.
     *
     * @return their names
     */
    List<String> inputs();

    /**
     * Returns the tensor written.
     *
     * @return its name
     */
    String output();

    /**
     * Returns the op's type in the bundle's schema.
     *
     * @return the type
     */
    OpType kind();
}
