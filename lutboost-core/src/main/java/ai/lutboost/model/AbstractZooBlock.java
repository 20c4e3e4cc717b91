package ai.lutboost.model;

import ai.djl.MalformedModelException;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import ai.lutboost.layer.LayerNames;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A zoo block that finds its children by name at every use instead of caching them in fields,
 * so that a layer swapped by the LUT converter takes effect.
 */
public abstract class AbstractZooBlock extends AbstractBlock {

    /**
     * Creates the block.
     *
     * @param version the block's persistence version
     */
    protected AbstractZooBlock(byte version) {
        super(version);
    }

    /**
     * Returns the child with the given name.
     *
     * @param name the name given to {@code addChildBlock}
     * @return the current child
     * @throws IllegalStateException if there is none
     */
    protected Block child(String name) {
        for (Pair<String, Block> p : children) {
            if (LayerNames.strip(p.getKey()).equals(name)) {
                return p.getValue();
            }
        }
        throw new IllegalStateException(getClass().getSimpleName() + " has no child " + name);
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        if (loadVersion != version) {
            throw new MalformedModelException(
                    "unsupported " + getClass().getSimpleName() + " version " + loadVersion
                            + ", expected " + version);
        }
        readInputShapes(is);
    }

    /**
     * Returns whether a child with the given name exists.
     *
     * @param name the name
     * @return whether it exists
     */
    protected boolean hasChild(String name) {
        return children.keys().stream().anyMatch(k -> LayerNames.strip(k).equals(name));
    }
}
