package ai.lutboost.graph;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.lutboost.layer.AbstractLutBlock;
import java.util.Arrays;
import java.util.Map;

/**
 * The lowerings of DJL's own blocks and of the LUT layers: sequential blocks, LUT layers,
 * {@link Conv2d} and {@link Linear} (a {@link BatchNorm} right after one is folded into it), ReLU
 * fused into the op before it, max pooling whose kernel equals its stride, global average pooling,
 * flattening and identities. A lambda block's function cannot be inspected, so lambdas are
 * recognised by DJL's names for them, and any other lambda is refused.
 */
final class DjlLowerings {

    private DjlLowerings() {}

    static void register(LoweringRegistry registry) {
        registry.register(AbstractLutBlock.class, (b, path, g) -> g.layer(OpKind.LUT, path, b));
        registry.register(Conv2d.class, DjlLowerings::conv);
        registry.register(Linear.class, (b, path, g) -> g.layer(OpKind.DENSE, path, b));
        registry.register(BatchNorm.class, DjlLowerings::batchNorm);
        registry.register(SequentialBlock.class, DjlLowerings::sequential);
        registry.register(LambdaBlock.class, DjlLowerings::lambda);
    }

    private static void conv(Conv2d conv, String path, GraphBuilder g) throws LoweringException {
        if (conv.getGroups() != 1) {
            throw new LoweringException(GraphBuilder.where(path) + ": grouped convolutions have no datapath op");
        }
        g.layer(OpKind.DENSE, path, conv);
    }

    private static void batchNorm(BatchNorm bn, String path, GraphBuilder g) throws LoweringException {
        GraphNode last = g.last();
        if (last == null || last.kind() != OpKind.DENSE || !last.output().equals(g.current()) || last.norm() != null
                || last.relu()) {
            throw new LoweringException(GraphBuilder.where(path) + ": a batch norm is exported only right after a"
                    + " dense Conv2d or Linear (after a LUT layer the freeze stage folds it)");
        }
        last.setNorm(bn);
    }

    private static void sequential(SequentialBlock block, String path, GraphBuilder g) throws LoweringException {
        for (Map.Entry<String, Block> child : GraphBuilder.children(block).entrySet()) {
            g.lower(child.getValue(), GraphBuilder.join(path, child.getKey()));
        }
    }

    private static void lambda(LambdaBlock lambda, String path, GraphBuilder g) throws LoweringException {
        String where = GraphBuilder.where(path);
        int[] in = g.shape(g.current());
        switch (lambda.getName()) {
            case "identity", "batchFlatten" -> {
                // Tensors are stored flat in channel-major order, so flattening changes no value.
            }
            case "ReLU" -> {
                GraphNode last = g.last();
                if (last == null || !last.output().equals(g.current()) || last.relu()
                        || last.kind() == OpKind.MAXPOOL || last.kind() == OpKind.AVGPOOL) {
                    throw new LoweringException(where + ": a ReLU is exported only right after a layer or a"
                            + " residual add");
                }
                last.setRelu();
            }
            case "maxPool2d" -> {
                int[] out = GraphBuilder.outputShape(lambda, in);
                if (in.length != 3 || in[1] % out[1] != 0 || in[2] % out[2] != 0) {
                    throw new LoweringException(where + ": max pooling is exported when its kernel equals its"
                            + " stride and divides the input; input " + Arrays.toString(in) + ", output "
                            + Arrays.toString(out));
                }
                g.op(OpKind.MAXPOOL, path, lambda, out).setPool(new int[] {in[1] / out[1], in[2] / out[2]});
            }
            case "globalAvgPool2d" -> {
                if (in.length != 3) {
                    throw new LoweringException(where + ": global average pooling needs a [C, H, W] input");
                }
                g.op(OpKind.AVGPOOL, path, lambda, new int[] {in[0]});
            }
            default -> throw new LoweringException(where + " (lambda '" + lambda.getName()
                    + "') has no datapath op; exportable lambdas: ReLU, maxPool2d, globalAvgPool2d, batchFlatten,"
                    + " identity");
        }
    }
}
