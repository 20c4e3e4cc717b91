package ai.lutboost.model;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
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
     * Lists every block of a tree under its dotted path ({@code stage2.conv1}), depth first.
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
        for (Pair<String, Block> child : block.getChildren()) {
            String path = prefix + strip(child.getKey());
            out.put(path, child.getValue());
            collect(child.getValue(), path + ".", out);
        }
    }
}
