package ai.lutboost.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A basic residual block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}.
 *
 * <p>Both convs are 3x3 with padding 1; {@code conv1} carries the stride. When the stride or the
 * width changes, the shortcut is a 1x1 conv ({@code shortcut_conv}) and batch norm
 * ({@code shortcut_bn}); otherwise it is the identity. Input {@code [B, C, H, W]}, output
 * {@code [B, filters, ceil(H/stride), ceil(W/stride)]}.
 */
public class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final Block bn2;
    private final Block shortcutConv;
    private final Block shortcutBn;

    /**
     * Creates a block.
     *
     * @param filters output channels
     * @param stride stride of the first conv and the shortcut
     * @param projectShortcut whether the shortcut needs a 1x1 projection (width or size change)
     */
    public ResidualBlock(int filters, int stride, boolean projectShortcut) {
        super(VERSION);
        Preconditions.checkArgument(filters > 0, "filters must be positive");
        Preconditions.checkArgument(stride >= 1, "stride must be at least 1");
        conv1 = addChildBlock("conv1", conv3x3(filters, stride));
        bn1 = addChildBlock("bn1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", conv3x3(filters, 1));
        bn2 = addChildBlock("bn2", BatchNorm.builder().build());
        if (projectShortcut) {
            shortcutConv =
                    addChildBlock(
                            "shortcut_conv",
                            Conv2d.builder()
                                    .setKernelShape(new Shape(1, 1))
                                    .optStride(new Shape(stride, stride))
                                    .setFilters(filters)
                                    .optBias(false)
                                    .build());
            shortcutBn = addChildBlock("shortcut_bn", BatchNorm.builder().build());
        } else {
            shortcutConv = null;
            shortcutBn = null;
        }
    }

    private static Conv2d conv3x3(int filters, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .optBias(false)
                .build();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = conv1.forward(ps, inputs, training);
        y = Activation.relu(bn1.forward(ps, y, training));
        y = bn2.forward(ps, conv2.forward(ps, y, training), training);
        NDList shortcut = inputs;
        if (shortcutConv != null) {
            shortcut = shortcutBn.forward(ps, shortcutConv.forward(ps, inputs, training), training);
        }
        NDArray sum = y.singletonOrThrow().add(shortcut.singletonOrThrow());
        return new NDList(Activation.relu(sum));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = conv1.getOutputShapes(inputShapes);
        return conv2.getOutputShapes(shapes);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes);
        Shape[] mid = conv1.getOutputShapes(inputShapes);
        bn1.initialize(manager, dataType, mid);
        conv2.initialize(manager, dataType, mid);
        bn2.initialize(manager, dataType, conv2.getOutputShapes(mid));
        if (shortcutConv != null) {
            shortcutConv.initialize(manager, dataType, inputShapes);
            shortcutBn.initialize(manager, dataType, shortcutConv.getOutputShapes(inputShapes));
        }
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException(
                    "unsupported ResidualBlock version " + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
    }
}
