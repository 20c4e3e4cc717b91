package ai.lutboost.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.lutboost.export.SyntheticBundles;
import ai.lutboost.export.TableBundleWriter;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.LutLayerOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated Verilog, simulated with Icarus Verilog, against the Java engine: every output of
 * every LUT layer on the golden samples' rows, for each metric, on bundles whose layers have
 * zero-padded codebooks, a padded conv, negative shifts and saturation.
 */
class RtlSimulationTest {

    private static final String MISSING = "Icarus Verilog is not installed: apt-get install iverilog (./lutboost test"
            + " installs it when it may)";

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyLutLayerComputesWhatTheEngineComputes(Metric metric) throws Exception {
        assumeTrue(RtlSimulation.available(), MISSING);
        Path bundle = bundle(metric);
        for (int perCycle : new int[] {1, 4}) {
            Path out = dir.resolve("rtl-" + perCycle);
            List<RtlGenerator.Layer> layers = RtlGenerator.generate(bundle, out, perCycle, 12);
            assertEquals(List.of("lutconv", "lutfc"), layers.stream().map(RtlGenerator.Layer::name).toList());
            for (RtlGenerator.Layer layer : layers) {
                RtlSimulation.Result r = RtlSimulation.run(out, layer);
                assertEquals(12 * (layer.name().equals("lutconv") ? 36 : 1), r.rows(), r.output().toString());
                assertEquals(r.rows(), r.identical(), metric + " " + layer.name() + ": " + r.output());
                assertTrue(r.cyclesPerRow() > 0, r.output().toString());
                long expected = (long) layer.codebooks() * (layer.k() / perCycle + layer.units() + 5) + layer.units() + 3;
                assertEquals(expected, r.cyclesPerRow(), "docs/hardware.md's cycle count");
                lint(out, layer);
            }
        }
    }

    @Test
    void aChangedTableEntryIsFound() throws Exception {
        assumeTrue(RtlSimulation.available(), MISSING);
        Path bundle = bundle(Metric.L2);
        Path out = dir.resolve("rtl");
        RtlGenerator.Layer fc = RtlGenerator.generate(bundle, out, 1, 4).get(1);
        IntegerModel model = SyntheticBundles.model(21, Metric.L2);
        LutLayerOp op = (LutLayerOp) model.ops().get(5);
        // Row 0's chosen centroid of codebook 0, by the L2 search on the vectors' first row.
        int[] row = words(out.resolve("lutfc/lutfc.inputs.mem"), 8);
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int c = 0; c < op.k(); c++) {
            long d = 0;
            for (int u = 0; u < op.v(); u++) {
                long diff = row[u] - op.centroids()[c * op.v() + u];
                d += diff * diff;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        // Column 1 has shift 1: adding 2 to its entry adds exactly 1 to the output unless it saturates.
        int entry = best * op.units() + 1;
        int[] table = op.table().clone();
        table[entry] += table[entry] >= 120 ? -2 : 2;
        Files.writeString(out.resolve("lutfc/lutfc.table.mem"), TableBundleWriter.memText(table, op.tableBits()));
        RtlSimulation.Result r = RtlSimulation.run(out, fc);
        assertTrue(r.identical() < r.rows(), r.output().toString());
        assertTrue(r.output().stream().anyMatch(l -> l.startsWith("first mismatch: row 0, column 1:")),
                r.output().toString());
    }

    @Test
    void synthesisCountsMoreGatesForMoreCentroidsPerCycle() throws Exception {
        assumeTrue(RtlSynthesis.available(), "Yosys is not installed: apt-get install yosys");
        Path bundle = bundle(Metric.L1);
        long[] logic = new long[2];
        int[] perCycle = {1, 4};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("synth-" + perCycle[i]);
            RtlGenerator.Layer fc = RtlGenerator.generate(bundle, out, perCycle[i], 1).get(1);
            RtlSynthesis.Result r = RtlSynthesis.run(out, fc.name());
            assertEquals(4, r.memories(), "centroids, table, biases and shifts stay memories: " + r.cells());
            assertTrue(r.flipFlops() > 0 && r.logicCells() > r.flipFlops(), r.cells().toString());
            logic[i] = r.logicCells();
        }
        // Four distance units instead of one, each v = 3 subtractions, absolute values and adds wide.
        assertTrue(logic[1] > logic[0] + 200, logic[0] + " cells with one centroid per cycle, " + logic[1]
                + " with four");
    }

    @Test
    void whatTheGeneratorCannotBuildIsRefusedAndNothingIsWritten() throws Exception {
        Path bundle = bundle(Metric.L2);
        Path out = dir.resolve("rtl");
        RtlException perCycle = assertThrows(RtlException.class, () -> RtlGenerator.generate(bundle, out, 3, 4));
        assertEquals("op lutconv (lut_conv2d): --centroids-per-cycle 3 must divide K = 4", perCycle.getMessage());
        assertTrue(perCycle.isBadInput());
        assertFalse(Files.exists(out));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(bundle.getFileName().toString()),
                    left.map(p -> p.getFileName().toString()).toList(), "no temporary directory is left");
        }
    }

    /** Verilator's lint with every warning on, when Verilator is installed: no output at all. */
    private static void lint(Path out, RtlGenerator.Layer layer) throws Exception {
        List<String> command = List.of("verilator", "--lint-only", "-Wall", "--timing",
                "tb_" + Testbench.moduleName(layer.name()) + ".v", "layer_" + Testbench.moduleName(layer.name()) + ".v",
                "../lut_layer.v", "../lut_ccm.v", "../lut_imm.v",
                "--top-module", "tb_" + Testbench.moduleName(layer.name()));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(out.resolve(layer.name()).toFile()).redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            System.err.println("verilator is not installed (apt-get install verilator): lint skipped");
            return;
        }
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
        assertEquals("", text.strip(), "verilator -Wall on " + layer.name());
    }

    private Path bundle(Metric metric) throws Exception {
        IntegerModel model = SyntheticBundles.model(21, metric);
        int[][] inputs = SyntheticBundles.inputs(5, 12, 72);
        return TableBundleWriter.write(model, SyntheticBundles.golden(inputs, new long[12][3]), dir.resolve("b"));
    }

    private static int[] words(Path mem, int bits) throws Exception {
        return Files.readAllLines(mem).stream().mapToInt(l -> {
            int v = Integer.parseInt(l.trim(), 16);
            return v >= 1 << (bits - 1) ? v - (1 << bits) : v;
        }).toArray();
    }
}
