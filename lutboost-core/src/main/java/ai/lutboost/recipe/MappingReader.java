package ai.lutboost.recipe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML mapping against the keys a section knows, keeping file and line for every error.
 *
 * <p>Each typed getter consumes its key; {@link #finish()} then rejects whatever is left, so an
 * unknown or misspelt key fails naming its line and the keys the section accepts.
 */
final class MappingReader {

    private final String file;
    private final String prefix;
    private final MappingNode node;
    private final int line;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new TreeSet<>();
    private final Map<Node, String> origins;

    MappingReader(String file, String prefix, Node node) throws RecipeException {
        this(file, prefix, node, Map.of());
    }

    /**
     * Reads a mapping whose nodes may come from {@code --set} overrides.
     *
     * @param origins nodes that an override put in place, with the override to name in messages
     */
    MappingReader(String file, String prefix, Node node, Map<Node, String> origins) throws RecipeException {
        this.file = file;
        this.origins = origins;
        this.prefix = prefix;
        this.line = line(node);
        if (!(node instanceof MappingNode mapping)) {
            throw new RecipeException(
                    where(node), prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1),
                    "a mapping of keys to values", describe(node));
        }
        this.node = mapping;
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new RecipeException(where(t.getKeyNode()), null, "a plain key", describe(t.getKeyNode()));
            }
            if (entries.put(key.getValue(), t) != null) {
                throw new RecipeException(
                        where(key), prefix + key.getValue(), "each key once", "a second '" + key.getValue() + "'");
            }
        }
    }

    MappingNode node() {
        return node;
    }

    String where(Node n) {
        Node at = n == null ? node : n;
        if (origins.containsKey(at)) {
            return origins.get(at);
        }
        int lineNumber = n == null ? line : line(n);
        // Settings given in code (section builders) have no lines.
        return lineNumber == 0 ? file : file + ":" + lineNumber;
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /**
     * Returns every key of the mapping, accepting them all: for sections keyed by the user
     * ({@code byName}).
     */
    List<String> keys() {
        known.addAll(entries.keySet());
        return List.copyOf(entries.keySet());
    }

    Node valueNode(String key) {
        known.add(key);
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    String file() {
        return file;
    }

    String prefix() {
        return prefix;
    }

    Map<Node, String> origins() {
        return origins;
    }

    List<String> stringList(String key, List<String> defaultValue) throws RecipeException {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return defaultValue;
        }
        Node v = t.getValueNode();
        if (!(v instanceof SequenceNode seq)) {
            throw new RecipeException(where(v), prefix + key, "a list of names", describe(v));
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                throw new RecipeException(where(item), prefix + key, "a name", describe(item));
            }
            out.add(s.getValue());
        }
        return List.copyOf(out);
    }

    boolean has(String key) {
        known.add(key);
        return entries.containsKey(key);
    }

    MappingReader section(String key) throws RecipeException {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            MappingNode empty = new MappingNode(Tag.MAP, List.of(), DumperOptions.FlowStyle.BLOCK);
            return new MappingReader(file, prefix + key + ".", empty, origins);
        }
        return new MappingReader(file, prefix + key + ".", t.getValueNode(), origins);
    }

    private ScalarNode scalar(String key) throws RecipeException {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return null;
        }
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            throw new RecipeException(where(v), prefix + key, "a single value", describe(v));
        }
        return s;
    }

    String string(String key, String defaultValue, String... allowed) throws RecipeException {
        ScalarNode s = scalar(key);
        if (s == null) {
            return defaultValue;
        }
        String value = s.getValue();
        if (allowed.length > 0 && !Arrays.asList(allowed).contains(value.toLowerCase(Locale.ROOT))) {
            throw new RecipeException(
                    where(s), prefix + key, "one of " + String.join(", ", allowed), "'" + value + "'");
        }
        return allowed.length > 0 ? value.toLowerCase(Locale.ROOT) : value;
    }

    long integer(String key, long defaultValue, long min, long max) throws RecipeException {
        ScalarNode s = scalar(key);
        if (s == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new RecipeException(where(s), prefix + key, "a whole number", "'" + s.getValue() + "'");
        }
        if (value < min || value > max) {
            throw new RecipeException(
                    where(s), prefix + key, "a whole number from " + min + " to " + max, String.valueOf(value));
        }
        return value;
    }

    long powerOfTwo(String key, long defaultValue, long min, long max, String why) throws RecipeException {
        long value = integer(key, defaultValue, min, max);
        if (Long.bitCount(value) != 1) {
            throw new RecipeException(where(scalar(key)), prefix + key, "a power of two from " + min + " to " + max
                    + " (" + why + ")", String.valueOf(value));
        }
        return value;
    }

    double number(String key, double defaultValue, double min, boolean minExclusive, double max)
            throws RecipeException {
        ScalarNode s = scalar(key);
        if (s == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new RecipeException(where(s), prefix + key, "a number", "'" + s.getValue() + "'");
        }
        boolean low = minExclusive ? value <= min : value < min;
        if (Double.isNaN(value) || low || value > max) {
            String range = (minExclusive ? "a number > " : "a number >= ") + min
                    + (max < Double.MAX_VALUE ? " and <= " + max : "");
            throw new RecipeException(where(s), prefix + key, range, s.getValue());
        }
        return value;
    }

    boolean bool(String key, boolean defaultValue) throws RecipeException {
        String v = string(key, null, "true", "false");
        return v == null ? defaultValue : Boolean.parseBoolean(v);
    }

    List<Integer> intList(String key, List<Integer> defaultValue, int min, int max) throws RecipeException {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return defaultValue;
        }
        Node v = t.getValueNode();
        if (!(v instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw new RecipeException(where(v), prefix + key, "a non-empty list of whole numbers", describe(v));
        }
        List<Integer> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            int value;
            try {
                value = Integer.parseInt(((ScalarNode) item).getValue());
            } catch (ClassCastException | NumberFormatException e) {
                throw new RecipeException(where(item), prefix + key, "a whole number", describe(item));
            }
            if (value < min || value > max) {
                throw new RecipeException(
                        where(item), prefix + key, "whole numbers from " + min + " to " + max, String.valueOf(value));
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    void finish() throws RecipeException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new RecipeException(
                        where(e.getValue().getKeyNode()), prefix + e.getKey(),
                        "one of the known keys "
                                + (prefix.isEmpty() ? "" : "of '" + prefix.substring(0, prefix.length() - 1) + "' ")
                                + known,
                        "an unknown key '" + e.getKey() + "'");
            }
        }
    }

    static String describe(Node n) {
        if (n instanceof ScalarNode s) {
            return s.getTag().equals(Tag.NULL) ? "nothing" : "'" + s.getValue() + "'";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return "a mapping";
    }
}
