package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.lutboost.layer.Metric;
import org.junit.jupiter.api.Test;

/** Every reported quantity against numbers worked out by hand (docs/cost-model.md shows the formulas). */
class CostModelTest {

    private final CostModel model = CostModel.standard();

    @Test
    void linear512() {
        LayerCost c = model.cost(new LayerShape("fc", 512, 512, 1), LutConfig.of(4, 16, Metric.L2, 8));
        assertEquals(128, c.codebooks());
        assertEquals(1_048_576, c.tableBytes(), 0);
        assertEquals(8192, c.centroidBytes(), 0);
        assertEquals(8192, c.distanceOps());
        assertEquals(1920, c.compares());
        assertEquals(65_536, c.lookupAdds());
        // 8192 x (0.03 + 0.2 + 0.1) + 8192 x 1.25 + 1920 x 0.1 + 65536 x (0.1 + 1.25)
        assertEquals(101_608.96, c.lutEnergyPj(), 1e-6);
        assertEquals(1024, c.lutCycles(), 0);
        assertEquals(262_144, c.denseMacs());
        assertEquals(262_144, c.int8WeightBytes(), 0);
        assertEquals(406_323.2, c.int8EnergyPj(), 1e-6);
        assertEquals(2_516_582.4, c.float32EnergyPj(), 1e-6);
        assertEquals(4096, c.denseCycles(), 0);
        assertEquals(1.0, c.config().bitsPerActivation(), 1e-12);
    }

    @Test
    void lenetConv2WithL1() {
        LayerCost c = model.cost(new LayerShape("conv2", 150, 16, 100), LutConfig.of(5, 32, Metric.L1, 8));
        assertEquals(30, c.codebooks());
        assertEquals(15_360, c.tableBytes(), 0);
        assertEquals(4800, c.centroidBytes(), 0);
        assertEquals(480_000, c.distanceOps());
        assertEquals(93_000, c.compares());
        assertEquals(48_000, c.lookupAdds());
        // 480000 x (0.03 + 0.03 + 0.1) + 480000 x 1.25 + 93000 x 0.1 + 48000 x 1.35
        assertEquals(750_900, c.lutEnergyPj(), 1e-6);
        assertEquals(6000, c.lutCycles(), 0);
        assertEquals(240_000, c.denseMacs());
        assertEquals(372_000, c.int8EnergyPj(), 1e-6);
        assertEquals(2_304_000, c.float32EnergyPj(), 1e-6);
        assertEquals(3750, c.denseCycles(), 0);
        assertEquals(1.0, c.config().bitsPerActivation(), 1e-12);
    }

    @Test
    void attentionProjectionWithChebyshevAndFourBitTables() {
        LayerCost c = model.cost(new LayerShape("attn.q", 64, 64, 17), LutConfig.of(4, 16, Metric.CHEBYSHEV, 4));
        assertEquals(16, c.codebooks());
        assertEquals(8192, c.tableBytes(), 0);
        assertEquals(1024, c.centroidBytes(), 0);
        assertEquals(17_408, c.distanceOps());
        assertEquals(4080, c.compares());
        assertEquals(17_408, c.lookupAdds());
        // 17408 x 0.16 + 17408 x 1.25 + 4080 x 0.1 + 17408 x (0.1 + 0.625)
        assertEquals(37_574.08, c.lutEnergyPj(), 1e-6);
        assertEquals(272, c.lutCycles(), 0);
        assertEquals(69_632, c.denseMacs());
        assertEquals(107_929.6, c.int8EnergyPj(), 1e-6);
        assertEquals(668_467.2, c.float32EnergyPj(), 1e-6);
        assertEquals(1088, c.denseCycles(), 0);
    }

    @Test
    void paddingCountsAWholeCodebook() {
        LayerCost c = model.cost(new LayerShape("fc", 10, 3, 1), LutConfig.of(4, 8, Metric.L2, 8));
        assertEquals(3, c.codebooks());
        assertEquals(3 * 8 * 3, c.tableBytes(), 0);
        assertEquals(0.75, c.config().bitsPerActivation(), 1e-12);
    }
}
