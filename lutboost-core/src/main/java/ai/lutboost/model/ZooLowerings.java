package ai.lutboost.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.lutboost.graph.GraphBuilder;
import ai.lutboost.graph.LoweringException;
import ai.lutboost.graph.LoweringRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The zoo's blocks on the datapath: a {@link ResidualBlock} as its convolutions, the shortcut and
 * a rounded add; a {@link VisionTransformer} with a class token as token embedding, pre-norm
 * encoder blocks, final norm, class token and head. Found by {@link LoweringRegistry#standard()}
 * through {@code META-INF/services}.
 */
public final class ZooLowerings implements LoweringRegistry.Plugin {

    /** {@inheritDoc} */
    @Override
    public void register(LoweringRegistry registry) {
        registry.register(ResidualBlock.class, ZooLowerings::residual);
        registry.register(VisionTransformer.class, ZooLowerings::transformer);
    }

    private static void residual(ResidualBlock block, String path, GraphBuilder g) throws LoweringException {
        Map<String, Block> children = GraphBuilder.children(block);
        String x = g.current();
        g.lower(children.get("conv1"), path + ".conv1");
        g.lower(children.get("bn1"), path + ".bn1");
        g.lower(Activation.reluBlock(), path + ".relu1");
        g.lower(children.get("conv2"), path + ".conv2");
        g.lower(children.get("bn2"), path + ".bn2");
        String y = g.current();
        g.setCurrent(x);
        if (children.containsKey("shortcut_conv")) {
            g.lower(children.get("shortcut_conv"), path + ".shortcut_conv");
            g.lower(children.get("shortcut_bn"), path + ".shortcut_bn");
        }
        g.add(y, g.current(), path + ".add", block);
        g.lower(Activation.reluBlock(), path + ".relu2");
    }

    private static void transformer(VisionTransformer vit, String path, GraphBuilder g) throws LoweringException {
        if (vit.getConfig().pooling() != VisionTransformer.Pooling.CLS) {
            throw new LoweringException(GraphBuilder.where(path) + ": mean pooling over"
                    + " tokens has no datapath op; the datapath classifies the class token (model.pooling: cls)");
        }
        Map<String, Block> children = GraphBuilder.children(vit);
        g.lower(children.get("patch_embed"), GraphBuilder.join(path, "patch_embed"));
        g.tokens(GraphBuilder.join(path, "tokens"), vit);
        for (int i = 1; i <= vit.getConfig().depth(); i++) {
            String name = "encoder" + i;
            encoder(GraphBuilder.children(children.get(name)), GraphBuilder.join(path, name), g);
        }
        g.norm(GraphBuilder.join(path, "norm"), children.get("norm"));
        g.selectFirstToken(GraphBuilder.join(path, "cls"));
        g.lower(children.get("head"), GraphBuilder.join(path, "head"));
    }

    private static void encoder(Map<String, Block> children, String path, GraphBuilder g) throws LoweringException {
        String x = g.current();
        g.norm(path + ".ln1", children.get("ln1"));
        String normed = g.current();
        MultiHeadSelfAttention attention = (MultiHeadSelfAttention) children.get("attn");
        Map<String, Block> projections = GraphBuilder.children(attention);
        List<String> qkv = new ArrayList<>();
        for (String p : List.of("query", "key", "value")) {
            g.setCurrent(normed);
            g.lower(projections.get(p), path + ".attn." + p);
            qkv.add(g.current());
        }
        g.attention(path + ".attn", qkv, attention);
        g.lower(projections.get("proj"), path + ".attn.proj");
        g.add(x, g.current(), path + ".add1", null);
        String y = g.current();
        g.norm(path + ".ln2", children.get("ln2"));
        g.lower(children.get("mlp_fc1"), path + ".mlp_fc1");
        g.gelu(path + ".gelu");
        g.lower(children.get("mlp_fc2"), path + ".mlp_fc2");
        g.add(y, g.current(), path + ".add2", null);
    }
}
