package ai.lutboost.recipe;

import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Settings a section builder collects as dotted keys, read by the very code that reads a recipe
 * file: one set of rules, and the same {@link RecipeException} naming the builder and the key.
 */
final class SectionSettings {

    /** Reads one section from its mapping. */
    @FunctionalInterface
    interface Reader<T> {
        T read(MappingReader section) throws RecipeException;
    }

    private final String source;
    private final String prefix;
    private final Map<String, Object> root = new LinkedHashMap<>();

    /**
     * @param source what messages call the settings, e.g. {@code TrainSection.builder()}
     * @param section the section's key in a recipe, e.g. {@code train}
     */
    SectionSettings(String source, String section) {
        this.source = source;
        this.prefix = section + ".";
    }

    @SuppressWarnings("unchecked")
    void put(String dottedKey, Object value) {
        String[] path = dottedKey.split("\\.");
        Map<String, Object> at = root;
        for (int i = 0; i < path.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(path[i], key -> new LinkedHashMap<String, Object>());
        }
        at.put(path[path.length - 1], value);
    }

    <T> T read(Reader<T> reader) throws RecipeException {
        return reader.read(new MappingReader(source, prefix, new Yaml().represent(root)));
    }
}
