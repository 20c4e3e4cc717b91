package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.LayerNames;
import ai.lutboost.layer.LutConv2d;
import ai.lutboost.layer.LutLinear;
import ai.lutboost.layer.LutMode;
import ai.lutboost.model.MultiHeadSelfAttention;
import ai.lutboost.model.ResidualBlock;
import ai.lutboost.model.VisionTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen DJL model read as a list of datapath ops on named tensors, each op still holding its
 * float blocks: the graph the integer model is built from, and the float reference it is
 * calibrated on.
 *
 * <p>What it reads: sequential blocks, LUT layers, {@link Conv2d} and {@link Linear} (a
 * {@link BatchNorm} right after one is folded into it), ReLU fused into the op before it, max
 * pooling whose kernel equals its stride, global average pooling, flattening, identities, the
 * zoo's {@link ResidualBlock}, and the zoo's {@link VisionTransformer} with a class token (token
 * embedding, pre-norm encoder blocks, final norm, class token, head). Anything else is refused by
 * name: a lambda block's function cannot be inspected, so a block not on this list cannot be
 * mapped to the datapath safely.
 *
 * <p>A tensor of rank 2, {@code [T, D]}, is a token sequence: linear layers apply to each token.
 */
final class FloatGraph {

    enum Kind { LUT, DENSE, MAXPOOL, AVGPOOL, ADD, TOKENS, NORM, ATTENTION, GELU, SELECT }

    /** One op with its float blocks. */
    static final class Node {
        final Kind kind;
        final String name;
        final List<String> inputs;
        final String output;
        final Block block;
        final int[] outputShape;
        BatchNorm norm;
        boolean relu;
        int[] pool;

        Node(Kind kind, String name, List<String> inputs, String output, Block block, int[] outputShape) {
            this.kind = kind;
            this.name = name;
            this.inputs = inputs;
            this.output = output;
            this.block = block;
            this.outputShape = outputShape;
        }
    }

    final List<Node> nodes = new ArrayList<>();
    final Map<String, int[]> shapes = new HashMap<>();
    final String input = "input";
    private String current = input;
    private Node last;

    private FloatGraph() {}

    /**
     * Reads a model.
     *
     * @param root the frozen model
     * @param inputShape one sample's input shape, without the batch dimension
     * @return the graph
     * @throws QuantizationException naming the first block that has no datapath op
     */
    static FloatGraph trace(Block root, int[] inputShape) throws QuantizationException {
        FloatGraph g = new FloatGraph();
        g.shapes.put(g.input, inputShape.clone());
        g.walk(root, "");
        if (g.nodes.isEmpty()) {
            throw new QuantizationException("the model has no layers to export");
        }
        return g;
    }

    String output() {
        return current;
    }

    private void walk(Block block, String path) throws QuantizationException {
        String where = path.isEmpty() ? "the model" : "block " + path;
        if (block instanceof AbstractLutBlock lut) {
            add(Kind.LUT, path, lut);
        } else if (block instanceof Conv2d conv) {
            if (conv.getGroups() != 1) {
                throw new QuantizationException(where + ": grouped convolutions have no datapath op");
            }
            add(Kind.DENSE, path, conv);
        } else if (block instanceof Linear linear) {
            add(Kind.DENSE, path, linear);
        } else if (block instanceof BatchNorm bn) {
            if (last == null || last.kind != Kind.DENSE || !last.output.equals(current) || last.norm != null
                    || last.relu) {
                throw new QuantizationException(where + ": a batch norm is exported only right after a dense"
                        + " Conv2d or Linear (after a LUT layer the freeze stage folds it)");
            }
            last.norm = bn;
        } else if (block instanceof ResidualBlock residual) {
            walkResidual(residual, path);
        } else if (block instanceof VisionTransformer vit) {
            walkTransformer(vit, path);
        } else if (block instanceof SequentialBlock) {
            Map<String, String> names = LayerNames.localNames(block);
            for (var child : block.getChildren()) {
                String childPath = path.isEmpty() ? names.get(child.getKey()) : path + "." + names.get(child.getKey());
                walk(child.getValue(), childPath);
            }
        } else if (block instanceof LambdaBlock lambda) {
            walkLambda(lambda, path, where);
        } else {
            throw new QuantizationException(where + " (" + block.getClass().getSimpleName()
                    + ") has no datapath op; exportable: LUT layers, Conv2d, Linear, BatchNorm after a dense"
                    + " layer, ReLU, max and global average pooling, flatten, ResidualBlock, VisionTransformer");
        }
    }

    private void walkLambda(LambdaBlock lambda, String path, String where) throws QuantizationException {
        int[] in = shapes.get(current);
        switch (lambda.getName()) {
            case "identity", "batchFlatten" -> {
                // Tensors are stored flat in channel-major order, so flattening changes no value.
            }
            case "ReLU" -> {
                if (last == null || !last.output.equals(current) || last.relu || last.kind == Kind.MAXPOOL
                        || last.kind == Kind.AVGPOOL) {
                    throw new QuantizationException(where + ": a ReLU is exported only right after a layer or a"
                            + " residual add");
                }
                last.relu = true;
            }
            case "maxPool2d" -> {
                int[] out = outputShape(lambda, in);
                if (in.length != 3 || in[1] % out[1] != 0 || in[2] % out[2] != 0) {
                    throw new QuantizationException(where + ": max pooling is exported when its kernel equals its"
                            + " stride and divides the input; input " + Arrays.toString(in) + ", output "
                            + Arrays.toString(out));
                }
                Node n = add(Kind.MAXPOOL, path, lambda, out);
                n.pool = new int[] {in[1] / out[1], in[2] / out[2]};
            }
            case "globalAvgPool2d" -> {
                if (in.length != 3) {
                    throw new QuantizationException(where + ": global average pooling needs a [C, H, W] input");
                }
                add(Kind.AVGPOOL, path, lambda, new int[] {in[0]});
            }
            default -> throw new QuantizationException(where + " (lambda '" + lambda.getName()
                    + "') has no datapath op; exportable lambdas: ReLU, maxPool2d, globalAvgPool2d, batchFlatten,"
                    + " identity");
        }
    }

    private void walkResidual(ResidualBlock block, String path) throws QuantizationException {
        Map<String, Block> children = children(block);
        String x = current;
        walk(children.get("conv1"), path + ".conv1");
        walk(children.get("bn1"), path + ".bn1");
        walk(Activation.reluBlock(), path + ".relu1");
        walk(children.get("conv2"), path + ".conv2");
        walk(children.get("bn2"), path + ".bn2");
        String y = current;
        current = x;
        if (children.containsKey("shortcut_conv")) {
            walk(children.get("shortcut_conv"), path + ".shortcut_conv");
            walk(children.get("shortcut_bn"), path + ".shortcut_bn");
        }
        residualAdd(y, current, path + ".add", block);
        walk(Activation.reluBlock(), path + ".relu2");
    }

    /** An add; its block is the residual block whose grids it takes, or {@code null} for an exact add. */
    private void residualAdd(String left, String right, String out, ResidualBlock block) {
        node(Kind.ADD, out, List.of(left, right), block, shapes.get(left));
    }

    private void walkTransformer(VisionTransformer vit, String path) throws QuantizationException {
        String where = path.isEmpty() ? "the model" : "block " + path;
        if (vit.getConfig().pooling() != VisionTransformer.Pooling.CLS) {
            throw new QuantizationException(where + ": mean pooling over tokens has no datapath op; the datapath"
                    + " classifies the class token (model.pooling: cls)");
        }
        Map<String, Block> children = children(vit);
        walk(children.get("patch_embed"), join(path, "patch_embed"));
        int[] grid = shapes.get(current);
        add(Kind.TOKENS, join(path, "tokens"), vit, new int[] {grid[1] * grid[2] + 1, grid[0]});
        for (int i = 1; i <= vit.getConfig().depth(); i++) {
            String name = "encoder" + i;
            walkEncoder(children(children.get(name)), join(path, name));
        }
        add(Kind.NORM, join(path, "norm"), children.get("norm"), shapes.get(current));
        add(Kind.SELECT, join(path, "cls"), vit, new int[] {shapes.get(current)[1]});
        walk(children.get("head"), join(path, "head"));
    }

    private void walkEncoder(Map<String, Block> children, String path) throws QuantizationException {
        String x = current;
        add(Kind.NORM, path + ".ln1", children.get("ln1"), shapes.get(x));
        String normed = current;
        Block attention = children.get("attn");
        Map<String, Block> projections = children(attention);
        List<String> qkv = new ArrayList<>();
        for (String p : List.of("query", "key", "value")) {
            current = normed;
            walk(projections.get(p), path + ".attn." + p);
            qkv.add(current);
        }
        node(Kind.ATTENTION, path + ".attn", qkv, attention, shapes.get(qkv.get(0)));
        walk(projections.get("proj"), path + ".attn.proj");
        residualAdd(x, current, path + ".add1", null);
        String y = current;
        add(Kind.NORM, path + ".ln2", children.get("ln2"), shapes.get(y));
        walk(children.get("mlp_fc1"), path + ".mlp_fc1");
        add(Kind.GELU, path + ".gelu", null, shapes.get(current));
        walk(children.get("mlp_fc2"), path + ".mlp_fc2");
        residualAdd(y, current, path + ".add2", null);
    }

    private static Map<String, Block> children(Block block) {
        Map<String, Block> children = new HashMap<>();
        Map<String, String> names = LayerNames.localNames(block);
        for (var child : block.getChildren()) {
            children.put(names.get(child.getKey()), child.getValue());
        }
        return children;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private Node add(Kind kind, String path, Block block) {
        int[] in = shapes.get(current);
        boolean flatten = (block instanceof Linear || block instanceof LutLinear) && in.length != 2;
        int[] out = outputShape(block, flatten ? new int[] {Arrays.stream(in).reduce(1, Math::multiplyExact)} : in);
        return add(kind, path, block, out);
    }

    private Node add(Kind kind, String path, Block block, int[] outputShape) {
        return node(kind, path, List.of(current), block, outputShape);
    }

    /** Appends an op that writes the tensor named like it, and makes that tensor the current one. */
    private Node node(Kind kind, String path, List<String> inputs, Block block, int[] outputShape) {
        Node n = new Node(kind, path, inputs, path, block, outputShape);
        shapes.put(path, outputShape);
        nodes.add(n);
        last = n;
        current = path;
        return n;
    }

    private static int[] outputShape(Block block, int[] in) {
        long[] batched = new long[in.length + 1];
        batched[0] = 1;
        for (int i = 0; i < in.length; i++) {
            batched[i + 1] = in[i];
        }
        Shape out = block.getOutputShapes(new Shape[] {new Shape(batched)})[0];
        int[] shape = new int[out.dimension() - 1];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(out.get(i + 1));
        }
        return shape;
    }

    /**
     * Evaluates one op in float, as the frozen model computes it: LUT layers in hard mode.
     *
     * @param node the op
     * @param values its inputs, in order
     * @param ps a parameter store for inference
     * @return the op's output, after its fused ReLU
     */
    static NDArray evaluate(Node node, List<NDArray> values, ParameterStore ps) {
        NDArray x = values.get(0);
        NDArray y = switch (node.kind) {
            case LUT -> ((AbstractLutBlock) node.block).apply(asInput(node, x), LutMode.HARD);
            case DENSE -> {
                NDArray out = node.block.forward(ps, new NDList(asInput(node, x)), false).singletonOrThrow();
                yield node.norm == null ? out : node.norm.forward(ps, new NDList(out), false).singletonOrThrow();
            }
            case MAXPOOL -> node.block.forward(ps, new NDList(x), false).singletonOrThrow();
            case AVGPOOL -> node.block.forward(ps, new NDList(x), false).singletonOrThrow()
                    .reshape(x.getShape().get(0), -1);
            case ADD -> {
                AddRounding rounding = node.block instanceof ResidualBlock r ? r.getAddRounding() : null;
                yield rounding == null ? x.add(values.get(1)) : rounding.add(x, values.get(1), false);
            }
            case TOKENS -> {
                VisionTransformer vit = (VisionTransformer) node.block;
                yield VisionTransformer.tokens(
                        x, vit.getClassToken().getArray(), vit.getPositionEmbedding().getArray());
            }
            case NORM -> node.block.forward(ps, new NDList(x), false).singletonOrThrow();
            case ATTENTION -> MultiHeadSelfAttention.attend(x, values.get(1), values.get(2),
                    ((MultiHeadSelfAttention) node.block).getHeads());
            case GELU -> Activation.gelu(x);
            case SELECT -> x.get(new NDIndex(":, 0, :"));
        };
        return node.relu ? Activation.relu(y) : y;
    }

    /** A conv's input stays an image and a token sequence {@code [B, T, D]} stays one; others flatten. */
    private static NDArray asInput(Node node, NDArray x) {
        boolean conv = node.block instanceof Conv2d || node.block instanceof LutConv2d;
        return conv || x.getShape().dimension() == 3 ? x : x.reshape(x.getShape().get(0), -1);
    }
}
