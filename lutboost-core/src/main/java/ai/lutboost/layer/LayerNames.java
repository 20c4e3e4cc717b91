package ai.lutboost.layer;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stable, human-readable names of the layers in a block tree. */
public final class LayerNames {

    private LayerNames() {}

    /**
     * Strips DJL's two-digit position prefix from a child name ({@code 03conv2} → {@code conv2}).
     *
     * @param childName the name as DJL stores it
     * @return the name the model author gave
     */
    public static String strip(String childName) {
        if (childName.length() > 2
                && Character.isDigit(childName.charAt(0))
                && Character.isDigit(childName.charAt(1))) {
            return childName.substring(2);
        }
        return childName;
    }

    /**
     * Lists every block of a tree under its dotted path ({@code stage2.block1.conv1}), depth
     * first, each child under its {@link #localNames local name}.
     *
     * @param root the root block
     * @return path to block, in forward order
     */
    public static Map<String, Block> all(Block root) {
        Map<String, Block> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Block> out) {
        Map<String, String> names = localNames(block);
        for (Pair<String, Block> child : block.getChildren()) {
            String path = prefix + names.get(child.getKey());
            out.put(path, child.getValue());
            collect(child.getValue(), path + ".", out);
        }
    }

    /**
     * Returns the name each child of a block goes by: the name its author gave, without DJL's
     * position prefix, or DJL's full key when siblings share a name (DJL's own blocks name
     * children by class, so two {@code Linear}s are {@code 01Linear} and {@code 04Linear}).
     *
     * @param parent the block
     * @return child key to local name, in child order
     */
    public static Map<String, String> localNames(Block parent) {
        List<String> keys = parent.getChildren().keys();
        Map<String, Integer> counts = new HashMap<>();
        for (String key : keys) {
            counts.merge(strip(key), 1, Integer::sum);
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : keys) {
            String stripped = strip(key);
            names.put(key, counts.get(stripped) == 1 ? stripped : key);
        }
        return names;
    }
}
