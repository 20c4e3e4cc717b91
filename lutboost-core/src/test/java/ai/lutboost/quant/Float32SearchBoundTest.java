package ai.lutboost.quant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.layer.Metric;
import org.junit.jupiter.api.Test;

/** Where the simulation's LUT layers may search and sum in float32: every value below 2^24. */
class Float32SearchBoundTest {

    private static LutLayerOp layer(Metric metric, int v, int codebooks, int tableBits) {
        return new LutLayerOp("l", "in", "out", null, codebooks * v, codebooks, 16, v, 4, metric, tableBits,
                new int[0], new int[0], new int[4], new int[4], false);
    }

    @Test
    void eightBitInputsUpToTheBound() {
        // 4 v 2^16 < 2^24 holds for v = 63 and fails for v = 64.
        assertTrue(IntegerSimulation.exactInFloat32(layer(Metric.L2, 8, 64, 8), 8));
        assertTrue(IntegerSimulation.exactInFloat32(layer(Metric.L2, 63, 2, 8), 8));
        assertFalse(IntegerSimulation.exactInFloat32(layer(Metric.L2, 64, 2, 8), 8));
        // 2 v 2^8 < 2^24 up to v = 32767.
        assertTrue(IntegerSimulation.exactInFloat32(layer(Metric.L1, 32767, 1, 8), 8));
        assertFalse(IntegerSimulation.exactInFloat32(layer(Metric.CHEBYSHEV, 32768, 1, 8), 8));
    }

    @Test
    void wideInputsAndLongTableSumsStayInFloat64() {
        assertFalse(IntegerSimulation.exactInFloat32(layer(Metric.L2, 2, 4, 8), 16));
        assertTrue(IntegerSimulation.exactInFloat32(layer(Metric.L1, 2, 4, 8), 16));
        // C 2^(b-1) < 2^24: 2^17 codebooks of 8-bit entries reach it, 2^9 of 16-bit ones.
        assertTrue(IntegerSimulation.exactInFloat32(layer(Metric.L1, 1, (1 << 17) - 1, 8), 8));
        assertFalse(IntegerSimulation.exactInFloat32(layer(Metric.L1, 1, 1 << 17, 8), 8));
        assertFalse(IntegerSimulation.exactInFloat32(layer(Metric.L1, 1, 1 << 9, 16), 8));
    }
}
