package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.lutboost.layer.Metric;
import org.junit.jupiter.api.Test;

/** The area model's terms against counts worked out by hand (docs/cost-model.md, "Area"). */
class AreaModelTest {

    private static final LayerShape CONV2 = new LayerShape("conv2", 150, 16, 100);

    @Test
    void centroidModuleByMetric() {
        // 8-bit inputs, v = 4: 20-bit distances, 4-bit indices. A lane: subtract 5 x 10, absolute
        // value 5 x 10 + 10, then a 9 x 9 square (81 + 5 x 9 x 8) and a 20-bit add (L2), a 20-bit
        // add (L1), or a 20-bit compare and multiplexer (Chebyshev).
        long common = 50 + 60;
        long argmin = 100 + 20 + 4;
        long registers = 20 + 8 + 34 + 160;
        assertEquals(4 * (common + 441 + 100) + argmin + registers,
                AreaModel.ccmCells(LutConfig.of(4, 16, Metric.L2, 8), 1));
        assertEquals(4 * (common + 100) + argmin + registers, AreaModel.ccmCells(LutConfig.of(4, 16, Metric.L1, 8), 1));
        assertEquals(4 * (common + 120) + argmin + registers,
                AreaModel.ccmCells(LutConfig.of(4, 16, Metric.CHEBYSHEV, 8), 1));
        assertEquals(2 * 4 * (common + 100) + 2 * argmin + registers,
                AreaModel.ccmCells(LutConfig.of(4, 16, Metric.L1, 8), 2), "P lanes of v and P argmin stages");
    }

    @Test
    void accumulatorModuleGrowsWithTheColumns() {
        // N = 16: 16 x 32 x 3 + 16 x 4 accumulator cells, 15 x 40 read multiplexers, a 32-bit adder
        // (160), shifters 2 x 64 x 6 + 64 x 6, rounding 320, saturation 640 + 192, output 2 x 16 x 8,
        // the column counter 4 and 4 of state.
        long n16 = 1536 + 64 + 600 + 160 + 1152 + 320 + 832 + 256 + 4 + 4;
        assertEquals(n16, AreaModel.immCells(CONV2, LutConfig.of(4, 16, Metric.L2, 8), 8));
    }

    @Test
    void memoryBitsCountTablesCentroidsBiasesAndShifts() {
        // C = 38 (150 inputs padded to 152), K = 16.
        assertEquals(38 * 16 * (16 * 8 + 4 * 8) + 16 * 40,
                AreaModel.memoryBits(CONV2, LutConfig.of(4, 16, Metric.L2, 8)));
    }
}
