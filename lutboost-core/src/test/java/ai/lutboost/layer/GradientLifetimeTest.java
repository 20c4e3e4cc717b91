package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.lutboost.model.MultiHeadSelfAttention;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on when the JVM collects garbage. Every case runs forward, then
 * collects and refills freed native memory, then runs backward, and must give the gradient of an
 * immediate backward pass, bit for bit. With operands that alias Java buffers (see
 * {@link Scalars}) most trials gave garbage.
 */
class GradientLifetimeTest {

    private static final int TRIALS = 8;

    @Test
    void softLutGradientSurvivesACollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray centroids = m.randomNormal(new Shape(3, 4, 2));
            NDArray temperature = m.create(new float[] {1.5f});
            assertStable(m.randomNormal(new Shape(3, 5, 2)),
                    x -> LutMath.quantize(x, centroids, temperature, Metric.L2, LutMode.SOFT));
            NDArray data = m.randomNormal(new Shape(3, 5, 2));
            assertStable(centroids, p -> LutMath.distances(data, p, Metric.L2));
        }
    }

    @Test
    void im2colGradientSurvivesACollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weights = m.randomNormal(new Shape(1, 2 * 9, 5, 5));
            assertStable(m.randomNormal(new Shape(1, 2, 5, 5)), x -> LutConv2d.im2col(
                    x, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).mul(weights));
        }
    }

    @Test
    void attentionGradientSurvivesACollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadSelfAttention attention = new MultiHeadSelfAttention(8, 2);
            attention.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8));
            ParameterStore ps = new ParameterStore(m, false);
            assertStable(m.randomNormal(new Shape(2, 3, 8)),
                    x -> attention.forward(ps, new NDList(x), true).singletonOrThrow());
        }
    }

    private static void assertStable(NDArray input, Function<NDArray, NDArray> f) {
        float[] expected = gradient(input, f, false);
        for (int t = 0; t < TRIALS; t++) {
            assertArrayEquals(expected, gradient(input, f, true), "trial " + t);
        }
    }

    private static float[] gradient(NDArray input, Function<NDArray, NDArray> f, boolean collect) {
        NDManager m = input.getManager();
        try (NDManager scope = m.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(scope);
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray y;
                // As in the layers' forward passes, every intermediate is closed before backward.
                try (NDManager forward = scope.newSubManager()) {
                    forward.tempAttachAll(x);
                    y = f.apply(x).sum();
                    y.attach(scope);
                }
                if (collect) {
                    reuseFreedMemory();
                }
                gc.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Collects unreachable direct buffers and fills new ones, which take their memory. */
    private static void reuseFreedMemory() {
        System.gc();
        List<ByteBuffer> fill = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            for (int j = 0; j < 64; j += 4) {
                b.putFloat(j, 1e30f);
            }
            fill.add(b);
        }
    }
}
