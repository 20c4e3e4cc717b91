package ai.lutboost.graph;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.Map;

/**
 * The one class a user registers to export a {@link ResidualMlp}: listed in this module's test
 * resources under {@code META-INF/services}, so every stage and the export find it.
 */
public final class ResidualMlpLowering implements LoweringRegistry.Plugin {

    @Override
    public void register(LoweringRegistry registry) {
        registry.register(ResidualMlp.class, (block, path, g) -> {
            Map<String, Block> children = GraphBuilder.children(block);
            String x = g.current();
            g.lower(children.get("fc1"), path + ".fc1");
            g.lower(Activation.reluBlock(), path + ".relu");
            g.lower(children.get("fc2"), path + ".fc2");
            g.add(x, g.current(), path + ".add", null);
        });
    }
}
