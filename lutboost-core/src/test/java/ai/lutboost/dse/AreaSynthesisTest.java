package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.ModelShapes;
import ai.lutboost.rtl.RtlSynthesis;
import ai.lutboost.training.ReportJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep point's LUT layers synthesized by Yosys beside the area model, and the count kept. */
class AreaSynthesisTest {

    @TempDir Path dir;

    private static SweepResult point(Metric metric) {
        List<ModelShapes.Layer> layers = List.of(
                new ModelShapes.Layer("conv", 27, 4, 16, new LayerSpec(3, 8, metric, 8, false)),
                new ModelShapes.Layer("fc", 64, 10, 1, null));
        return new SweepResult(new SweepPoint(3, 8, metric, 8), 0.5, 1, layers, null, null)
                .costedBy(CostModel.standard());
    }

    @Test
    void countsTheLutLayersOnceAndKeepsTheCount() throws Exception {
        assumeTrue(RtlSynthesis.available(), "Yosys is not installed: apt-get install yosys");
        Path l2Dir = dir.resolve("l2");
        SynthesizedArea l2 = AreaSynthesis.of(point(Metric.L2), l2Dir, line -> { });
        SynthesizedArea l1 = AreaSynthesis.of(point(Metric.L1), dir.resolve("l1"), line -> { });
        assertEquals(List.of("conv"), l2.layers().stream().map(SynthesizedArea.Layer::name).toList(),
                "only LUT layers are generated");
        SynthesizedArea.Layer conv = l2.layers().get(0);
        assertEquals(point(Metric.L2).cost().layers().get(0).logicCells(), conv.analyticalCells());
        // Four 32-bit accumulators and four 8-bit outputs at least.
        assertTrue(conv.flipFlops() >= 4 * (32 + 8), conv.toString());
        // Three 9 x 9 squarers are the difference between L2 and L1 lanes.
        assertTrue(l2.logicCells() > l1.logicCells() + 3 * 81, l2 + " against " + l1);
        assertFalse(Files.exists(l2Dir.resolve("rtl")), "the generated design is removed after synthesis");

        SynthesizedArea edited = SynthesizedArea.of(List.of(new SynthesizedArea.Layer("conv", 7, 1, 3, 0)));
        Files.writeString(l2Dir.resolve(AreaSynthesis.AREA), ReportJson.GSON.toJson(edited));
        assertEquals(edited, AreaSynthesis.of(point(Metric.L2), l2Dir, line -> { }), "a kept count is not redone");
    }
}
