package ai.lutboost.layer;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.ChildBlocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Swaps dense layers of a model for LUT layers, in place.
 *
 * <p>It walks any block tree ({@code SequentialBlock}, {@code ParallelBlock}, the zoo's blocks,
 * a user's own {@code AbstractBlock}s) and asks a {@link Selector} for each layer whose type has
 * a {@link Converter}: a spec converts it, {@code null} keeps it dense. The type-to-converter map
 * starts with {@link Linear} and {@link Conv2d} and takes more with {@link #register}. Layers are
 * named by their path as {@link LayerNames#all} gives it.
 */
public final class LutConverter {

    /** Builds the LUT form of one dense layer. */
    @FunctionalInterface
    public interface Converter {
        /**
         * Converts a layer.
         *
         * @param manager the manager for the new layer's arrays
         * @param dense the initialized dense layer
         * @param name the layer's path
         * @param spec how to quantize its input
         * @return the LUT layer, initialized
         */
        Block convert(NDManager manager, Block dense, String name, LayerSpec spec);
    }

    /** Chooses which layers to convert and how. */
    @FunctionalInterface
    public interface Selector {
        /**
         * Returns the spec for a layer, or null to keep it dense.
         *
         * @param name the layer's path
         * @param layer the layer
         * @return the spec, or null
         */
        LayerSpec specFor(String name, Block layer);
    }

    private final Map<Class<? extends Block>, Converter> converters = new LinkedHashMap<>();

    private LutConverter() {}

    /**
     * Returns a converter that knows {@link Linear} and {@link Conv2d}.
     *
     * @return the converter
     */
    public static LutConverter withDefaults() {
        LutConverter c = new LutConverter();
        c.register(Linear.class, (m, b, n, s) -> LutLinear.fromDense(m, (Linear) b, n, s));
        c.register(Conv2d.class, (m, b, n, s) -> LutConv2d.fromDense(m, (Conv2d) b, n, s));
        return c;
    }

    /**
     * Registers (or replaces) the converter for a layer type; exact types are matched first,
     * then subtypes in registration order.
     *
     * @param type the dense layer type
     * @param converter how to convert it
     * @return this converter
     */
    public LutConverter register(Class<? extends Block> type, Converter converter) {
        converters.put(type, converter);
        return this;
    }

    /**
     * Converts the selected layers of a model, which must be initialized.
     *
     * @param manager the manager for the new layers' arrays
     * @param root the model
     * @param selector which layers, and how
     * @return the new LUT layers by path, in forward order
     */
    public Map<String, Block> convert(NDManager manager, Block root, Selector selector) {
        Map<String, Block> converted = new LinkedHashMap<>();
        walk(manager, root, "", selector, converted);
        return converted;
    }

    /**
     * Lists the layers this converter could convert, by path in forward order: the choice a
     * {@link Selector} is offered.
     *
     * @param root the model
     * @return path to layer
     */
    public Map<String, Block> convertible(Block root) {
        Map<String, Block> out = new LinkedHashMap<>();
        for (Map.Entry<String, Block> e : LayerNames.all(root).entrySet()) {
            if (converterFor(e.getValue()) != null) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private void walk(NDManager manager, Block parent, String prefix, Selector selector, Map<String, Block> out) {
        Map<String, String> names = LayerNames.localNames(parent);
        for (Pair<String, Block> entry : parent.getChildren()) {
            String path = prefix + names.get(entry.getKey());
            Block child = entry.getValue();
            Converter converter = converterFor(child);
            LayerSpec spec = converter == null ? null : selector.specFor(path, child);
            if (spec == null) {
                walk(manager, child, path + ".", selector, out);
                continue;
            }
            if (!(parent instanceof AbstractBlock abstractParent)) {
                throw new IllegalArgumentException(
                        "layer " + path + ": its parent " + parent.getClass().getSimpleName()
                                + " is not an AbstractBlock, so it cannot be swapped");
            }
            Block lut = converter.convert(manager, child, path, spec);
            ChildBlocks.replace(abstractParent, entry.getKey(), lut);
            out.put(path, lut);
        }
    }

    private Converter converterFor(Block block) {
        Converter exact = converters.get(block.getClass());
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<Class<? extends Block>, Converter> e : converters.entrySet()) {
            if (e.getKey().isInstance(block)) {
                return e.getValue();
            }
        }
        return null;
    }
}
