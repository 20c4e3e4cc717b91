package ai.lutboost.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import ai.lutboost.graph.Attention;
import ai.lutboost.layer.Scalars;

/**
 * Multi-head self-attention over a token sequence.
 *
 * <p>{@code q = query(x), k = key(x), v = value(x)}, each split into {@code heads} heads of
 * {@code D / heads}; per head {@code softmax(q kᵀ / sqrt(D / heads)) v}; heads concatenated and
 * projected by {@code proj}. The four projections are separate {@link Linear} children so that a
 * recipe can convert each to a LUT layer by name. Input and output {@code [B, T, D]}.
 */
public class MultiHeadSelfAttention extends AbstractZooBlock implements Attention {

    private static final byte VERSION = 1;

    private final int heads;

    /**
     * Creates the block.
     *
     * @param dim the model width {@code D}
     * @param heads the number of heads; must divide {@code D}
     */
    public MultiHeadSelfAttention(int dim, int heads) {
        super(VERSION);
        Preconditions.checkArgument(
                heads > 0 && dim % heads == 0, "heads must divide the width " + dim);
        this.heads = heads;
        addChildBlock("query", Linear.builder().setUnits(dim).build());
        addChildBlock("key", Linear.builder().setUnits(dim).build());
        addChildBlock("value", Linear.builder().setUnits(dim).build());
        addChildBlock("proj", Linear.builder().setUnits(dim).build());
    }

    /** {@inheritDoc} */
    @Override
    public int getHeads() {
        return heads;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray q = child("query").forward(ps, inputs, training).singletonOrThrow();
        NDArray k = child("key").forward(ps, inputs, training).singletonOrThrow();
        NDArray v = child("value").forward(ps, inputs, training).singletonOrThrow();
        return child("proj").forward(ps, new NDList(attend(q, k, v, heads)), training);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray attend(NDArray q, NDArray k, NDArray v) {
        return attend(q, k, v, heads);
    }

    /**
     * The attention between projections: per head {@code softmax(q kᵀ / sqrt(D / heads)) v},
     * heads concatenated.
     *
     * @param q queries {@code [B, T, D]}
     * @param k keys {@code [B, T, D]}
     * @param v values {@code [B, T, D]}
     * @param heads heads; divides {@code D}
     * @return the attended values {@code [B, T, D]}
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, int heads) {
        Shape s = q.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long d = s.get(2);
        long dh = d / heads;
        NDArray qh = splitHeads(q, heads);
        NDArray kh = splitHeads(k, heads);
        NDArray products = qh.matMul(kh.transpose(0, 1, 3, 2));
        NDArray scores = products.div(Scalars.of(products, Math.sqrt(dh)));
        NDArray context = scores.softmax(-1).matMul(splitHeads(v, heads));
        return context.transpose(0, 2, 1, 3).reshape(b, t, d);
    }

    /**
     * Splits the columns of {@code [B, T, D]} into heads: head {@code h} is columns
     * {@code h D/heads .. (h+1) D/heads - 1}.
     *
     * @param x the projections {@code [B, T, D]}
     * @param heads heads; divides {@code D}
     * @return {@code [B, heads, T, D / heads]}
     */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
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
        for (String name : new String[] {"query", "key", "value", "proj"}) {
            child(name).initialize(manager, dataType, inputShapes);
        }
    }
}
