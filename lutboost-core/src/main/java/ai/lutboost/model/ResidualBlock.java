package ai.lutboost.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.djl.util.Preconditions;
import ai.lutboost.graph.RoundedAdd;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.layer.BatchNormPairs;
import ai.lutboost.layer.InputQuantization;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A basic residual block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}.
 *
 * <p>Both convs are 3x3 with padding 1; {@code conv1} carries the stride. When the stride or the
 * width changes, the shortcut is a 1x1 conv ({@code shortcut_conv}) and batch norm
 * ({@code shortcut_bn}); otherwise it is the identity. Input {@code [B, C, H, W]}, output
 * {@code [B, filters, ceil(H/stride), ceil(W/stride)]}.
 */
public class ResidualBlock extends AbstractZooBlock implements BatchNormPairs, RoundedAdd {

    private static final byte VERSION = 2;
    /** Version 1 had no add rounding; baseline and earlier conversion checkpoints still load. */
    private static final byte VERSION_WITHOUT_ROUNDING = 1;

    private AddRounding addRounding;

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
        addChildBlock("conv1", conv3x3(filters, stride));
        addChildBlock("bn1", BatchNorm.builder().build());
        addChildBlock("conv2", conv3x3(filters, 1));
        addChildBlock("bn2", BatchNorm.builder().build());
        if (projectShortcut) {
            addChildBlock(
                            "shortcut_conv",
                            Conv2d.builder()
                                    .setKernelShape(new Shape(1, 1))
                                    .optStride(new Shape(stride, stride))
                                    .setFilters(filters)
                                    .optBias(false)
                                    .build());
            addChildBlock("shortcut_bn", BatchNorm.builder().build());
        }
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> batchNormAfter() {
        return Map.of("conv1", "bn1", "conv2", "bn2", "shortcut_conv", "shortcut_bn");
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
        NDList y = child("conv1").forward(ps, inputs, training);
        y = Activation.relu(child("bn1").forward(ps, y, training));
        y = child("bn2").forward(ps, child("conv2").forward(ps, y, training), training);
        NDList shortcut = inputs;
        if (hasChild("shortcut_conv")) {
            NDList projected = child("shortcut_conv").forward(ps, inputs, training);
            shortcut = child("shortcut_bn").forward(ps, projected, training);
        }
        NDArray sum = addRounding == null
                ? y.singletonOrThrow().add(shortcut.singletonOrThrow())
                : addRounding.add(y.singletonOrThrow(), shortcut.singletonOrThrow(), training);
        return new NDList(Activation.relu(sum));
    }

    /** {@inheritDoc} */
    @Override
    public void setAddRounding(AddRounding rounding) {
        this.addRounding = rounding;
    }

    /** {@inheritDoc} */
    @Override
    public AddRounding getAddRounding() {
        return addRounding;
    }

    /** {@inheritDoc} */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeBoolean(addRounding != null);
        if (addRounding != null) {
            for (InputQuantization q : List.of(addRounding.left(), addRounding.right(), addRounding.sum())) {
                os.writeInt(q.bits());
                os.writeInt(q.fractionBits());
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION && loadVersion != VERSION_WITHOUT_ROUNDING) {
            throw new MalformedModelException(
                    "unsupported ResidualBlock version " + loadVersion + ", expected " + VERSION);
        }
        readInputShapes(is);
        addRounding = null;
        if (loadVersion == VERSION && is.readBoolean()) {
            InputQuantization[] q = new InputQuantization[3];
            for (int i = 0; i < q.length; i++) {
                q[i] = new InputQuantization(is.readInt(), is.readInt());
            }
            addRounding = new AddRounding(q[0], q[1], q[2]);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = child("conv1").getOutputShapes(inputShapes);
        return child("conv2").getOutputShapes(shapes);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        child("conv1").initialize(manager, dataType, inputShapes);
        Shape[] mid = child("conv1").getOutputShapes(inputShapes);
        child("bn1").initialize(manager, dataType, mid);
        child("conv2").initialize(manager, dataType, mid);
        child("bn2").initialize(manager, dataType, child("conv2").getOutputShapes(mid));
        if (hasChild("shortcut_conv")) {
            child("shortcut_conv").initialize(manager, dataType, inputShapes);
            Shape[] projected = child("shortcut_conv").getOutputShapes(inputShapes);
            child("shortcut_bn").initialize(manager, dataType, projected);
        }
    }
}
