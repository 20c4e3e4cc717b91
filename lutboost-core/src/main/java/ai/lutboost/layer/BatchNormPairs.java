package ai.lutboost.layer;

import java.util.Map;

/**
 * A block that applies some of its children's outputs directly to a batch norm, so the norm can
 * be folded into the layer before it. Sequential blocks need not say so: a batch norm right after
 * a layer is such a pair.
 */
public interface BatchNormPairs {

    /**
     * Returns, by child name, the batch norm that directly follows each layer.
     *
     * @return layer name to batch-norm name
     */
    Map<String, String> batchNormAfter();
}
