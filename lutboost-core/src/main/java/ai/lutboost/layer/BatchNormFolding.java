package ai.lutboost.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ChildBlocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a batch norm that directly follows a LUT layer into that layer's table and bias
 * (DESIGN §5): with {@code s = gamma / sqrt(var + eps)}, {@code bn(y) = s y + (beta - s mean)}, so
 * the table's column {@code n} scales by {@code s_n} and the bias becomes
 * {@code s_n (b_n - mean_n) + beta_n}; the norm is then replaced by an identity block. A batch
 * norm after a dense conv is folded the same way into a conv with a bias, as the datapath folds
 * it before quantizing the conv's weights.
 *
 * <p>DJL's {@link BatchNorm} does not expose its epsilon; the zoo uses DJL's default,
 * {@value #EPSILON}, and so does this class.
 */
public final class BatchNormFolding {

    /** DJL's default batch-norm epsilon. */
    public static final float EPSILON = 1e-5f;

    /**
     * A LUT layer and the batch norm after it.
     *
     * @param path the LUT layer's path
     * @param layer the LUT layer
     * @param parent the block holding the batch norm
     * @param normKey the batch norm's child key in {@code parent}
     * @param norm the batch norm
     */
    public record Folded(String path, AbstractLutBlock layer, AbstractBlock parent, String normKey, BatchNorm norm) {}

    /**
     * A dense conv and the batch norm after it, which the freeze stage folds into one conv with a
     * bias, so that the float model multiplies by the weights the datapath holds.
     *
     * @param path the conv's path
     * @param conv the conv
     * @param parent the block holding both
     * @param convKey the conv's child key in {@code parent}
     * @param normKey the batch norm's child key in {@code parent}
     * @param norm the batch norm
     */
    public record FoldedConv(
            String path, Conv2d conv, AbstractBlock parent, String convKey, String normKey, BatchNorm norm) {}

    /** A layer directly followed by a batch norm, before it is known which kind of layer it is. */
    private record Adjacent(String path, Block layer, AbstractBlock parent, String layerKey, String normKey,
            BatchNorm norm) {}

    private BatchNormFolding() {}

    /**
     * Finds every LUT layer directly followed by a batch norm: adjacent children of a
     * {@link SequentialBlock}, or the pairs a {@link BatchNormPairs} block declares.
     *
     * @param root the model
     * @return the pairs, in forward order
     */
    public static List<Folded> find(Block root) {
        List<Folded> out = new ArrayList<>();
        for (Adjacent p : pairs(root)) {
            if (p.layer() instanceof AbstractLutBlock lut) {
                out.add(new Folded(p.path(), lut, p.parent(), p.normKey(), p.norm()));
            }
        }
        return out;
    }

    /**
     * Finds every dense, ungrouped {@link Conv2d} directly followed by a batch norm, as
     * {@link #find} finds LUT layers.
     *
     * @param root the model
     * @return the pairs, in forward order
     */
    public static List<FoldedConv> findConvs(Block root) {
        List<FoldedConv> out = new ArrayList<>();
        for (Adjacent p : pairs(root)) {
            if (p.layer() instanceof Conv2d conv && conv.getGroups() == 1) {
                out.add(new FoldedConv(p.path(), conv, p.parent(), p.layerKey(), p.normKey(), p.norm()));
            }
        }
        return out;
    }

    private static List<Adjacent> pairs(Block root) {
        List<Adjacent> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Block parent, String prefix, List<Adjacent> out) {
        Map<String, String> names = LayerNames.localNames(parent);
        PairList<String, Block> children = parent.getChildren();
        Map<String, String> keyByName = new HashMap<>();
        for (Pair<String, Block> c : children) {
            keyByName.put(names.get(c.getKey()), c.getKey());
        }
        for (int i = 0; i < children.size(); i++) {
            String key = children.get(i).getKey();
            Block child = children.get(i).getValue();
            if (!(child instanceof BatchNorm) && parent instanceof AbstractBlock ab) {
                String normKey = null;
                if (parent instanceof BatchNormPairs pairs) {
                    String normName = pairs.batchNormAfter().get(names.get(key));
                    normKey = normName == null ? null : keyByName.get(normName);
                } else if (parent instanceof SequentialBlock && i + 1 < children.size()) {
                    normKey = children.get(i + 1).getKey();
                }
                if (normKey != null && children.get(normKey) instanceof BatchNorm bn) {
                    out.add(new Adjacent(prefix + names.get(key), child, ab, key, normKey, bn));
                }
            }
            walk(child, prefix + names.get(key) + ".", out);
        }
    }

    /**
     * Replaces each conv and its batch norm by one conv with a bias and an identity block. With
     * {@code fold}, the new conv computes what the pair computed in inference ({@code s W} and
     * {@code s b + shift} per output channel); without, its values are left for a checkpoint to
     * load.
     *
     * @param pairs the pairs
     * @param fold whether to compute the folded values
     */
    public static void foldConvs(List<FoldedConv> pairs, boolean fold) {
        for (FoldedConv p : pairs) {
            Conv2d old = p.conv();
            Conv2d conv = Conv2d.builder()
                    .setKernelShape(old.getKernelShape())
                    .optStride(old.getStride())
                    .optPadding(old.getPadding())
                    .optDilation(old.getDilation())
                    .setFilters(old.getFilters())
                    .optBias(true)
                    .build();
            NDArray weight = old.getParameters().get("weight").getArray();
            conv.initialize(weight.getManager(), DataType.FLOAT32, old.describeInput().values().toArray(new Shape[0]));
            if (fold) {
                float[][] affine = affine(p.norm());
                float[] w = weight.toFloatArray();
                int n = affine[0].length;
                int d = w.length / n;
                for (int i = 0; i < w.length; i++) {
                    w[i] *= affine[0][i / d];
                }
                float[] b = old.isIncludeBias() ? old.getParameters().get("bias").getArray().toFloatArray() : new float[n];
                for (int j = 0; j < n; j++) {
                    b[j] = affine[0][j] * b[j] + affine[1][j];
                }
                conv.getParameters().get("weight").getArray().set(w);
                conv.getParameters().get("bias").getArray().set(b);
            }
            ChildBlocks.replace(p.parent(), p.convKey(), conv);
            replaceByIdentity(p.parent(), p.normKey(), p.norm());
        }
    }

    /**
     * Returns the norm's inference map as a per-channel scale and shift.
     *
     * @param norm an initialized batch norm
     * @return {@code {scale, shift}}
     */
    public static float[][] affine(BatchNorm norm) {
        float[] gamma = norm.getParameters().get("gamma").getArray().toFloatArray();
        float[] beta = norm.getParameters().get("beta").getArray().toFloatArray();
        float[] mean = norm.getParameters().get("runningMean").getArray().toFloatArray();
        float[] var = norm.getParameters().get("runningVar").getArray().toFloatArray();
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int i = 0; i < gamma.length; i++) {
            scale[i] = (float) (gamma[i] / Math.sqrt(var[i] + EPSILON));
            shift[i] = beta[i] - scale[i] * mean[i];
        }
        return new float[][] {scale, shift};
    }

    /**
     * Replaces the batch norms of the pairs by identity blocks.
     *
     * @param pairs the pairs whose norms have been folded
     */
    public static void removeNorms(List<Folded> pairs) {
        for (Folded p : pairs) {
            replaceByIdentity(p.parent(), p.normKey(), p.norm());
        }
    }

    private static void replaceByIdentity(AbstractBlock parent, String normKey, BatchNorm norm) {
        Block identity = Blocks.identityBlock();
        // Initialized with the norm's input shapes, so that checkpoints of the model can be
        // written (DJL saves every block's input shapes) and read back into the same tree.
        if (norm.isInitialized()) {
            Shape[] shapes = norm.describeInput().values().toArray(new Shape[0]);
            NDManager manager = norm.getParameters().get("gamma").getArray().getManager();
            identity.initialize(manager, DataType.FLOAT32, shapes);
        }
        ChildBlocks.replace(parent, normKey, identity);
    }
}
