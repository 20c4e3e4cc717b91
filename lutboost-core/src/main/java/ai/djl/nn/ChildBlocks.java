package ai.djl.nn;

/**
 * Replaces a child of any {@link AbstractBlock}, so that LUTBoost can swap layers inside a user's
 * model ({@link SequentialBlock}, {@link ParallelBlock} or a custom block) in place.
 *
 * <p>DJL keeps children in a protected list and hands out only copies; this class sits in DJL's
 * package because that is the only way to reach the list without reflection. It changes nothing
 * but the list entry: a block that also caches the child in a field of its own keeps using the
 * old child, which is why LUTBoost's zoo blocks look their children up by name.
 */
public final class ChildBlocks {

    private ChildBlocks() {}

    /**
     * Replaces the child stored under {@code key}, keeping its position and key.
     *
     * @param parent the parent block
     * @param key the child's key as {@link Block#getChildren()} lists it ({@code 03conv2})
     * @param replacement the new child
     * @return the replaced child
     * @throws IllegalArgumentException if the parent has no child under that key
     */
    public static Block replace(AbstractBlock parent, String key, Block replacement) {
        int index = parent.children.indexOf(key);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "block " + parent.getClass().getSimpleName() + " has no child " + key);
        }
        Block old = parent.children.remove(index);
        parent.children.add(index, key, replacement);
        return old;
    }
}
