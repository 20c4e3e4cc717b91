package ai.lutboost.recipe;

import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.lutboost.layer.LayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves each layer's spec in exactly one place: its {@code byName} override, over its
 * {@code byType} override, over the defaults (hls4ml's name → type → model order).
 *
 * <p>It is built for one model, from the paths of its convertible layers in forward order, so it
 * can check that every layer the recipe names exists, and knows the first and the last layer for
 * {@code denseEnds}.
 */
public final class LayerSpecResolver {

    /**
     * A resolved layer.
     *
     * @param spec the spec, or null if the layer stays dense
     * @param where the recipe file and line that decided it
     */
    public record Resolved(LayerSpec spec, String where) {}

    private final LutSection lut;
    private final String source;
    private final Map<String, Resolved> resolved = new LinkedHashMap<>();

    /**
     * Resolves every convertible layer of a model.
     *
     * @param recipe the recipe, with a {@code lut} section
     * @param layers the model's convertible layers by path, in forward order
     * @throws RecipeException if the recipe names a layer the model lacks, or a spec is invalid
     */
    public LayerSpecResolver(Recipe recipe, Map<String, Block> layers) throws RecipeException {
        this.lut = recipe.lut();
        this.source = recipe.source();
        List<String> paths = new ArrayList<>(layers.keySet());
        for (Map.Entry<String, LayerOverride> e : lut.byName().entrySet()) {
            requireLayer(e.getKey(), e.getValue().where(), "lut.byName", paths);
        }
        for (String name : lut.dense()) {
            requireLayer(name, source, "lut.dense", paths);
        }
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            boolean end = lut.denseEnds() && (i == 0 || i == paths.size() - 1);
            resolved.put(path, resolve(path, typeOf(layers.get(path)), end));
        }
    }

    private void requireLayer(String name, String where, String key, List<String> paths) throws RecipeException {
        if (!paths.contains(name)) {
            throw new RecipeException(where, key + "." + name, "a convertible layer of the model, one of " + paths,
                    "'" + name + "', which the model lacks");
        }
    }

    private Resolved resolve(String path, String type, boolean end) throws RecipeException {
        LayerOverride byName = lut.byName().get(path);
        if (byName != null && byName.dense()) {
            return new Resolved(null, byName.where());
        }
        if (lut.dense().contains(path)) {
            return new Resolved(null, source + ": lut.dense");
        }
        if (end && byName == null) {
            return new Resolved(null, source + ": lut.denseEnds");
        }
        LayerSpec spec = lut.defaults();
        String where = source + ": lut.defaults";
        LayerOverride byType = lut.byType().get(type);
        try {
            if (byType != null) {
                if (byType.dense()) {
                    return new Resolved(null, byType.where());
                }
                spec = byType.applyTo(spec);
                where = byType.where();
            }
            if (byName != null) {
                spec = byName.applyTo(spec);
                where = byName.where();
            }
        } catch (IllegalArgumentException e) {
            throw new RecipeException(where + ": layer " + path + ": " + e.getMessage(), e);
        }
        return new Resolved(spec, where);
    }

    /**
     * Returns a layer's type as recipes write it.
     *
     * @param block the layer
     * @return {@code linear}, {@code conv2d}, or the class name in lower case
     */
    public static String typeOf(Block block) {
        if (block instanceof Linear) {
            return "linear";
        }
        if (block instanceof Conv2d) {
            return "conv2d";
        }
        return block.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the spec of a layer.
     *
     * @param path the layer's path
     * @return the spec, or null if it stays dense or is not convertible
     */
    public LayerSpec specFor(String path) {
        Resolved r = resolved.get(path);
        return r == null ? null : r.spec();
    }

    /**
     * Returns where the decision for a layer came from.
     *
     * @param path the layer's path
     * @return the file and line, or the recipe's source
     */
    public String whereOf(String path) {
        Resolved r = resolved.get(path);
        return r == null ? source : r.where();
    }

    /**
     * Returns every convertible layer's resolution, in forward order.
     *
     * @return path to resolution
     */
    public Map<String, Resolved> all() {
        return java.util.Collections.unmodifiableMap(resolved);
    }
}
