package ai.lutboost.layer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ChildBlocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.lutboost.model.BatchNormPairs;
import ai.lutboost.model.LayerNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a batch norm that directly follows a LUT layer into that layer's table and bias
 * (DESIGN §5): with {@code s = gamma / sqrt(var + eps)}, {@code bn(y) = s y + (beta - s mean)}, so
 * the table's column {@code n} scales by {@code s_n} and the bias becomes
 * {@code s_n (b_n - mean_n) + beta_n}; the norm is then replaced by an identity block.
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
        walk(root, "", out);
        return out;
    }

    private static void walk(Block parent, String prefix, List<Folded> out) {
        Map<String, String> names = LayerNames.localNames(parent);
        PairList<String, Block> children = parent.getChildren();
        Map<String, String> keyByName = new HashMap<>();
        for (Pair<String, Block> c : children) {
            keyByName.put(names.get(c.getKey()), c.getKey());
        }
        for (int i = 0; i < children.size(); i++) {
            String key = children.get(i).getKey();
            Block child = children.get(i).getValue();
            if (child instanceof AbstractLutBlock lut && parent instanceof AbstractBlock ab) {
                String normKey = null;
                if (parent instanceof BatchNormPairs pairs) {
                    String normName = pairs.batchNormAfter().get(names.get(key));
                    normKey = normName == null ? null : keyByName.get(normName);
                } else if (parent instanceof SequentialBlock && i + 1 < children.size()) {
                    normKey = children.get(i + 1).getKey();
                }
                if (normKey != null && children.get(normKey) instanceof BatchNorm bn) {
                    out.add(new Folded(prefix + names.get(key), lut, ab, normKey, bn));
                }
            }
            walk(child, prefix + names.get(key) + ".", out);
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
            Block identity = Blocks.identityBlock();
            // Initialized with the norm's input shapes, so that checkpoints of the model can be
            // written (DJL saves every block's input shapes) and read back into the same tree.
            if (p.norm().isInitialized()) {
                Shape[] shapes = p.norm().describeInput().values().toArray(new Shape[0]);
                NDManager manager = p.norm().getParameters().get("gamma").getArray().getManager();
                identity.initialize(manager, DataType.FLOAT32, shapes);
            }
            ChildBlocks.replace(p.parent(), p.normKey(), identity);
        }
    }
}
