package ai.lutboost.graph;

import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Block type to {@link BlockLowering}, the way {@code LutConverter} maps block types to
 * converters: exact types are matched first, then supertypes in registration order.
 *
 * <p>{@link #standard()} holds DJL's blocks and the LUT layers, then whatever each
 * {@link Plugin} on the class path registers (found with {@link ServiceLoader}, so a jar adds
 * lowerings by naming its plug-in in {@code META-INF/services/ai.lutboost.graph.LoweringRegistry$Plugin}).
 * The model zoo registers its blocks that way, and a user's own block is exported by registering
 * one lowering the same way; every stage and the export then find it.
 */
public final class LoweringRegistry {

    /** Registers lowerings; found on the class path by {@link LoweringRegistry#standard()}. */
    public interface Plugin {
        /**
         * Registers this plug-in's lowerings.
         *
         * @param registry the registry to add to
         */
        void register(LoweringRegistry registry);
    }

    private final Map<Class<? extends Block>, BlockLowering<Block>> lowerings = new LinkedHashMap<>();

    private LoweringRegistry() {}

    /**
     * Returns a registry with DJL's blocks and the LUT layers only.
     *
     * @return a new registry, free to extend
     */
    public static LoweringRegistry builtIn() {
        LoweringRegistry registry = new LoweringRegistry();
        DjlLowerings.register(registry);
        return registry;
    }

    /**
     * Returns a registry with DJL's blocks, the LUT layers and every plug-in on the class path.
     *
     * @return a new registry, free to extend
     */
    public static LoweringRegistry standard() {
        LoweringRegistry registry = builtIn();
        for (Plugin plugin : Plugins.ALL) {
            plugin.register(registry);
        }
        return registry;
    }

    /** The class path's plug-ins, read once: every trace of a model asks for the standard registry. */
    private static final class Plugins {
        static final List<Plugin> ALL = ServiceLoader.load(Plugin.class, LoweringRegistry.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
    }

    /**
     * Registers, or replaces, the lowering of a block type.
     *
     * @param type the block type
     * @param lowering how it becomes ops
     * @param <B> the block type
     * @return this registry
     */
    public <B extends Block> LoweringRegistry register(Class<B> type, BlockLowering<? super B> lowering) {
        lowerings.put(type, (block, path, graph) -> lowering.lower(type.cast(block), path, graph));
        return this;
    }

    /**
     * Returns whether a block type has a lowering.
     *
     * @param type the block type
     * @return whether {@link #lower} accepts its blocks
     */
    public boolean supports(Class<? extends Block> type) {
        return find(type) != null;
    }

    void lower(Block block, String path, GraphBuilder graph) throws LoweringException {
        BlockLowering<Block> lowering = find(block.getClass());
        if (lowering == null) {
            throw new LoweringException(GraphBuilder.where(path) + " (" + block.getClass().getSimpleName()
                    + ") has no datapath op; blocks with a lowering: " + lowerings.keySet().stream()
                    .map(Class::getSimpleName).collect(Collectors.joining(", "))
                    + "; a LoweringRegistry.Plugin can register one for it");
        }
        lowering.lower(block, path, graph);
    }

    private BlockLowering<Block> find(Class<?> type) {
        BlockLowering<Block> exact = lowerings.get(type);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<Class<? extends Block>, BlockLowering<Block>> e : lowerings.entrySet()) {
            if (e.getKey().isAssignableFrom(type)) {
                return e.getValue();
            }
        }
        return null;
    }
}
