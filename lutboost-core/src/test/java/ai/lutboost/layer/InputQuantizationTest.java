package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake quantization a frozen LUT layer applies, against the datapath's rounding. */
class InputQuantizationTest {

    /** DESIGN §5: {@code sat(floor(x * 2^f + 1/2))}, computed in double, then back to real. */
    private static float oracle(float x, int bits, int f) {
        double q = Math.floor(Math.scalb((double) x, f) + 0.5);
        double limit = Math.scalb(1.0, bits - 1);
        return (float) Math.scalb(Math.max(-limit, Math.min(limit - 1, q)), -f);
    }

    @Test
    void roundsHalfUpAndSaturatesAsTheDatapath() {
        for (int bits : new int[] {2, 4, 8, 12}) {
            for (int f : new int[] {-2, 0, 3, 7}) {
                List<Float> values = new ArrayList<>();
                for (int k = -1; k <= bits + 1; k++) {
                    for (float base : new float[] {0f, Math.scalb(1f, k - f)}) {
                        float step = Math.scalb(1f, -f);
                        // Halves between grid points, and the float32 values just either side of them.
                        for (float x : new float[] {base, base + step / 2, base - step / 2}) {
                            for (float y : new float[] {x, Math.nextUp(x), Math.nextDown(x)}) {
                                values.add(y);
                                values.add(-y);
                            }
                        }
                    }
                }
                values.add(0.5f - Math.scalb(1f, -25));
                float[] x = new float[values.size()];
                float[] expected = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = values.get(i);
                    expected[i] = oracle(x[i], bits, f);
                }
                try (NDManager m = NDManager.newBaseManager()) {
                    float[] got = new InputQuantization(bits, f).round(m.create(x), false).toFloatArray();
                    assertArrayEquals(expected, got, bits + " bits, " + f + " fractional bits");
                }
            }
        }
    }

    @Test
    void trainingPassesTheGradientStraightThrough() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.3f, -1.2f, 5f, -9f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = new InputQuantization(4, 1).round(x, true);
                assertArrayEquals(new float[] {0.5f, -1f, 3.5f, -4f}, y.toFloatArray(), 1e-6f);
                gc.backward(y.mul(m.create(new float[] {1f, 2f, 3f, 4f})).sum());
            }
            assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, x.getGradient().toFloatArray(),
                    "the gradient ignores rounding and saturation alike");
        }
    }

    @Test
    void widthOutsideTheSupportedRangeIsRefused() {
        assertEquals("input quantization needs 2 to 24 bits, got 1",
                assertThrows(IllegalArgumentException.class, () -> new InputQuantization(1, 0)).getMessage());
    }
}
