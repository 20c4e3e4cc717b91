package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.layer.Metric;
import org.junit.jupiter.api.Test;

/** Every reported quantity against numbers worked out by hand (docs/cost-model.md shows the formulas). */
class CostModelTest {

    private final CostModel model = CostModel.standard();

    /** Horowitz's 10 pJ per 64 bits of an 8 KB SRAM, scaled by the square root of the capacity. */
    private static double sram(double bits, double bytes) {
        return 10 * bits / 64 * Math.sqrt(bytes / 8192);
    }

    @Test
    void sramEnergyFollowsHorowitzAtHisThreeSizes() {
        EnergyConstants e = EnergyConstants.HOROWITZ_45NM;
        assertEquals(10, e.sramAccess(64, 8 * 1024), 1e-9);
        assertEquals(20, e.sramAccess(64, 32 * 1024), 1e-9);
        assertEquals(113.14, e.sramAccess(64, 1024 * 1024), 0.01, "Horowitz: 100 pJ for 1 MB");
        assertEquals(0.1 * 20 / 32, e.add(20), 1e-12);
    }

    @Test
    void linear512() {
        LayerCost c = model.cost(new LayerShape("fc", 512, 512, 1), LutConfig.of(4, 16, Metric.L2, 8));
        assertEquals(128, c.codebooks());
        assertEquals(1_048_576, c.tableBytes(), 0);
        assertEquals(8192, c.centroidBytes(), 0);
        assertEquals(8192, c.distanceOps());
        assertEquals(1920, c.compares());
        assertEquals(65_536, c.lookupAdds());
        // Distances are 2 x 8 + 3 + 1 = 20 bits wide: an add of them costs 0.1 x 20 / 32 = 0.0625 pJ.
        assertEquals(8192 * (0.03 + 0.2 + 0.0625) + 1920 * 0.0625, c.searchEnergyPj(), 1e-6);
        // Each codebook's table is 16 x 512 bytes = 8 KB: 1.25 pJ an 8-bit entry.
        assertEquals(65_536 * (0.1 + 1.25), c.lookupEnergyPj(), 1e-6);
        // A pass of 64 samples reads the 1,056,768 parameter bytes from their memory once and writes
        // the tables into the 8 KB table memories.
        assertEquals((sram(8 * 1_056_768.0, 1_056_768) + sram(8 * 1_048_576.0, 8192)) / 64, c.lutLoadEnergyPj(), 1e-6);
        assertEquals(c.searchEnergyPj() + c.lookupEnergyPj() + c.lutLoadEnergyPj(), c.lutEnergyPj(), 1e-9);
        assertEquals(Math.max(128 * 16 / 16.0, 65_536 / 64.0) + 1_056_768 / 64.0 / 64, c.lutCycles(), 1e-9);
        assertEquals(262_144, c.denseMacs());
        assertEquals(262_144, c.int8WeightBytes(), 0);
        assertEquals(262_144 * 0.3, c.int8MacEnergyPj(), 1e-6);
        assertEquals(sram(8 * 262_144.0, 262_144) / 64, c.int8LoadEnergyPj(), 1e-6);
        assertEquals(262_144 * (3.7 + 0.9) + sram(32 * 262_144.0, 4 * 262_144) / 64, c.float32EnergyPj(), 1e-6);
        assertEquals(1024 + 262_144 / 64.0 / 64, c.denseCycles(), 1e-9);
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
        // 20-bit distances (2 x 8 + 3 + 1); an absolute value instead of a square.
        assertEquals(480_000 * (0.03 + 0.03 + 0.0625) + 93_000 * 0.0625, c.searchEnergyPj(), 1e-6);
        assertEquals(48_000 * (0.1 + sram(8, 512)), c.lookupEnergyPj(), 1e-6);
        assertEquals((sram(8 * 20_160.0, 20_160) + sram(8 * 15_360.0, 512)) / 64, c.lutLoadEnergyPj(), 1e-6);
        assertEquals(6000 + 20_160 / 64.0 / 64, c.lutCycles(), 1e-9);
        assertEquals(240_000, c.denseMacs());
        assertEquals(240_000 * 0.3 + sram(8 * 2400.0, 2400) / 64, c.int8EnergyPj(), 1e-6);
        assertEquals(937.5 + 2400 / 64.0 / 64, c.denseCycles(), 1e-9);
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
        assertEquals(17_408 * (0.03 + 0.03 + 0.0625) + 4080 * 0.0625, c.searchEnergyPj(), 1e-6);
        // A codebook's table: 16 x 64 four-bit entries, 512 bytes.
        assertEquals(17_408 * (0.1 + sram(4, 512)), c.lookupEnergyPj(), 1e-6);
        assertEquals(69_632, c.denseMacs());
        assertEquals(69_632 * 0.3 + sram(8 * 4096.0, 4096) / 64, c.int8EnergyPj(), 1e-6);
    }

    @Test
    void longerPassesOnlyShrinkTheLoads() {
        LayerShape fc = new LayerShape("fc1", 400, 120, 1);
        LutConfig config = LutConfig.of(4, 16, Metric.L2, 8);
        LayerCost one = new CostModel(EnergyConstants.HOROWITZ_45NM, ArrayConfig.EDGE.withSamplesPerPass(1))
                .cost(fc, config);
        LayerCost many = model.cost(fc, config);
        assertEquals(one.searchEnergyPj(), many.searchEnergyPj(), 1e-9);
        assertEquals(one.lookupEnergyPj(), many.lookupEnergyPj(), 1e-9);
        assertEquals(one.lutLoadEnergyPj() / 64, many.lutLoadEnergyPj(), 1e-6);
        assertEquals(one.int8LoadEnergyPj() / 64, many.int8LoadEnergyPj(), 1e-6);
        assertTrue(one.lutEnergyPj() > one.int8EnergyPj(), "one sample a pass: the tables' loads outweigh the MACs");
    }

    @Test
    void paddingCountsAWholeCodebook() {
        LayerCost c = model.cost(new LayerShape("fc", 10, 3, 1), LutConfig.of(4, 8, Metric.L2, 8));
        assertEquals(3, c.codebooks());
        assertEquals(3 * 8 * 3, c.tableBytes(), 0);
        assertEquals(0.75, c.config().bitsPerActivation(), 1e-12);
    }
}
