package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.ModelShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's report with and without synthesized areas. */
class SweepReportTest {

    @TempDir Path dir;

    private static SweepResult point(int k, double accuracy, SynthesizedArea area) {
        List<ModelShapes.Layer> layers = List.of(new ModelShapes.Layer("fc1", 64, 32, 1, LayerSpec.of(4, k)),
                new ModelShapes.Layer("fc2", 32, 10, 1, null));
        return new SweepResult(new SweepPoint(4, k, Metric.L2, 8), accuracy, 1, layers, null, area)
                .costedBy(CostModel.standard());
    }

    private static SynthesizedArea area(long yosys, long estimated) {
        return SynthesizedArea.of(List.of(new SynthesizedArea.Layer("fc1", yosys, 100, estimated, 1)));
    }

    @Test
    void synthesizedPointsGetTheAreaTableWithTheRatio() throws Exception {
        List<SweepResult> results = List.of(point(8, 0.80, area(3000, 2000)), point(16, 0.82, area(5000, 2500)));
        SweepReport.write("t", results, null, CostModel.standard(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        // 8000 cells against 4500 estimated over both points; 1.50 and 2.00 by point.
        assertTrue(html.contains("Yosys counts <b>1.78</b> times the area model's estimate over all of them (1.50 to"
                + " 2.00 by point)"), html);
        assertTrue(html.contains("<td>v4-k16-l2-t8</td><td>fc1</td><td>5000</td><td>100</td><td>2500</td><td>2.00</td>"),
                html);
        List<String> csv = Files.readAllLines(dir.resolve("dse.csv"));
        assertTrue(csv.get(0).endsWith(",estimatedCells,yosysCells"), csv.get(0));
        assertTrue(csv.get(1).endsWith("," + results.get(0).cost().logicCells() + ",3000"), csv.get(1));
        assertEquals(results.get(0).cost().layers().get(0).logicCells(), results.get(0).cost().logicCells(),
                "only the LUT layer has cells");
    }

    @Test
    void withoutSynthesisThereIsNoAreaSection() throws Exception {
        SweepReport.write("t", List.of(point(8, 0.80, null), point(16, 0.82, null)), null, CostModel.standard(), dir);
        assertFalse(Files.readString(dir.resolve("report.html")).contains("Yosys counts"));
        assertTrue(Files.readAllLines(dir.resolve("dse.csv")).get(1).endsWith(","));
    }
}
