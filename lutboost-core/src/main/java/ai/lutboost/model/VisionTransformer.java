package ai.lutboost.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import ai.lutboost.graph.TokenEmbedder;

/**
 * ViT-tiny: a vision transformer small enough to train on a CPU.
 *
 * <p>{@code patch_embed} (a conv with kernel and stride {@code patchSize}) turns the image into
 * {@code T = (H/p)(W/p)} tokens of width {@code D}; a learned class token is prepended when
 * pooling is {@link Pooling#CLS}; learned position embeddings are added; {@code encoder1 ..
 * encoderN} are {@link TransformerEncoderBlock}s; {@code norm} is a final LayerNorm; the class
 * token (or the mean of all tokens) goes to the classifier {@code head}. Input
 * {@code [B, C, H, W]}, output logits {@code [B, classes]}.
 */
public class VisionTransformer extends AbstractZooBlock implements TokenEmbedder {

    private static final byte VERSION = 1;

    /** How the token sequence is reduced to one vector for the classifier. */
    public enum Pooling {
        /** A learned class token, prepended; its final state is classified. */
        CLS,
        /** The mean of all token states. */
        MEAN
    }

    private final Config config;
    private final Parameter clsToken;
    private final Parameter posEmbed;

    /**
     * The shape of a ViT.
     *
     * @param numClasses classes
     * @param imageSize input height and width (square)
     * @param patchSize patch height and width; divides {@code imageSize}
     * @param dim token width {@code D}
     * @param depth encoder blocks
     * @param heads attention heads; divides {@code dim}
     * @param mlpDim hidden width of each MLP
     * @param pooling class token or mean pooling
     */
    public record Config(
            int numClasses,
            int imageSize,
            int patchSize,
            int dim,
            int depth,
            int heads,
            int mlpDim,
            Pooling pooling) {

        /** Validates the shape. */
        public Config {
            Preconditions.checkArgument(numClasses > 1, "numClasses must be at least 2");
            Preconditions.checkArgument(
                    patchSize > 0 && imageSize % patchSize == 0,
                    "patchSize must divide the image size " + imageSize);
            Preconditions.checkArgument(
                    heads > 0 && dim % heads == 0, "heads must divide dim " + dim);
            Preconditions.checkArgument(depth > 0 && mlpDim > 0, "depth and mlpDim must be > 0");
        }

        int tokens() {
            int side = imageSize / patchSize;
            return side * side + (pooling == Pooling.CLS ? 1 : 0);
        }
    }

    /**
     * Creates the network.
     *
     * @param config its shape
     */
    public VisionTransformer(Config config) {
        super(VERSION);
        this.config = config;
        addChildBlock(
                        "patch_embed",
                        Conv2d.builder()
                                .setKernelShape(new Shape(config.patchSize(), config.patchSize()))
                                .optStride(new Shape(config.patchSize(), config.patchSize()))
                                .setFilters(config.dim())
                                .build());
        for (int i = 0; i < config.depth(); i++) {
            addChildBlock(
                            "encoder" + (i + 1),
                            new TransformerEncoderBlock(config.dim(), config.heads(), config.mlpDim()));
        }
        addChildBlock("norm", LayerNorm.builder().axis(2).build());
        addChildBlock("head", Linear.builder().setUnits(config.numClasses()).build());
        clsToken =
                addParameter(
                        Parameter.builder()
                                .setName("cls_token")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(1, 1, config.dim()))
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
        posEmbed =
                addParameter(
                        Parameter.builder()
                                .setName("pos_embed")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(1, config.tokens(), config.dim()))
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
    }

    /**
     * Returns the network's shape.
     *
     * @return the configuration it was built with
     */
    public Config getConfig() {
        return config;
    }

    /**
     * Returns the learned class token, {@code [1, 1, D]}.
     *
     * @return the parameter
     */
    public Parameter getClassToken() {
        return clsToken;
    }

    /**
     * Returns the learned position embeddings, {@code [1, T, D]}.
     *
     * @return the parameter
     */
    public Parameter getPositionEmbedding() {
        return posEmbed;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray classToken() {
        return clsToken.getArray();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray positionEmbedding() {
        return posEmbed.getArray();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray embed(NDArray patches) {
        return tokens(patches, classToken(), positionEmbedding());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDManager outer = input.getManager();
        // Ops whose first operand is a parameter would attach their results to the model's
        // long-lived manager and leak (DESIGN §9): compute in a scope, keep only the logits.
        try (NDManager scope = outer.newSubManager()) {
            NDArray cls = ps.getValue(clsToken, input.getDevice(), training);
            NDArray pos = ps.getValue(posEmbed, input.getDevice(), training);
            scope.tempAttachAll(input, cls, pos);
            NDArray patches = child("patch_embed").forward(ps, inputs, training).singletonOrThrow();
            NDList h = new NDList(tokens(patches, config.pooling() == Pooling.CLS ? cls : null, pos));
            for (int i = 1; i <= config.depth(); i++) {
                h = child("encoder" + i).forward(ps, h, training);
            }
            NDArray z = child("norm").forward(ps, h, training).singletonOrThrow();
            NDArray pooled =
                    config.pooling() == Pooling.CLS ? z.get(new NDIndex(":, 0, :")) : z.mean(new int[] {1});
            NDArray logits = child("head").forward(ps, new NDList(pooled), training).singletonOrThrow();
            logits.attach(outer);
            return new NDList(logits);
        }
    }

    /**
     * The token sequence from the patch embedding: one token per position, row-major, after the
     * class token when there is one, plus the position embeddings.
     *
     * <p>Every op's first operand comes from {@code patches}, so the results live in its manager,
     * not in the parameters' (DESIGN §9).
     *
     * @param patches the patch embedding {@code [B, D, H, W]}
     * @param cls the class token {@code [1, 1, D]}, or null for none
     * @param pos the position embeddings {@code [1, T, D]}
     * @return the tokens {@code [B, T, D]}
     */
    public static NDArray tokens(NDArray patches, NDArray cls, NDArray pos) {
        long b = patches.getShape().get(0);
        long d = patches.getShape().get(1);
        NDArray x = patches.reshape(b, d, -1).transpose(0, 2, 1);
        if (cls != null) {
            x = x.getManager().zeros(new Shape(b, 1, d), x.getDataType()).add(cls).concat(x, 1);
        }
        return x.add(pos);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numClasses())};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        child("patch_embed").initialize(manager, dataType, inputShapes);
        Shape tokens = new Shape(inputShapes[0].get(0), config.tokens(), config.dim());
        for (int i = 1; i <= config.depth(); i++) {
            child("encoder" + i).initialize(manager, dataType, tokens);
        }
        child("norm").initialize(manager, dataType, tokens);
        child("head").initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.dim()));
    }
}
