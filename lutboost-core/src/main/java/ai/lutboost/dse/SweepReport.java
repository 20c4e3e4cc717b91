package ai.lutboost.dse;

import ai.lutboost.LutBoostException;
import ai.lutboost.pipeline.ChartLibrary;
import ai.lutboost.pipeline.ReportPage;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.ReportJson;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes a sweep's table ({@code dse.csv}, {@code dse.json}), its Pareto fronts as PNG plots, and
 * one self-contained HTML page ({@code report.html}, plots embedded) that states, for the chosen
 * configuration, its energy and memory against the dense int8 network with the constants used.
 */
public final class SweepReport {

    private SweepReport() {}

    /** The costs a front is drawn against: name, axis title, value. */
    private record Axis(String name, String title, ToDoubleFunction<SweepResult> cost) {}

    private static final List<Axis> AXES = List.of(
            new Axis("energy", "energy per sample (uJ)", r -> r.cost().lutEnergyPj() / 1e6),
            new Axis("memory", "parameter memory (KB)", r -> r.cost().lutBytes() / 1024),
            new Axis("bits", "bits per activation", r -> r.cost().bitsPerActivation()),
            new Axis("cycles", "cycles per sample (thousands)", r -> r.cost().lutCycles() / 1e3),
            new Axis("area", "LUT layers' logic (thousand cells; Yosys where synthesized)",
                    r -> (r.area() != null ? r.area().logicCells() : r.cost().logicCells()) / 1e3));

    /**
     * Picks the configuration the report recommends: the lowest energy among the points within
     * one point of the best accuracy.
     *
     * @param results the sweep
     * @return the chosen result
     */
    public static SweepResult chosen(List<SweepResult> results) {
        double best = results.stream().mapToDouble(SweepResult::testAccuracy).max().orElse(0);
        return results.stream().filter(r -> r.testAccuracy() >= best - 0.01)
                .min(Comparator.comparingDouble(r -> r.cost().lutEnergyPj())).orElseThrow();
    }

    private static void appendArea(StringBuilder html, String title, List<SweepResult> synthesized, Path dir)
            throws LutBoostException {
        long yosys = synthesized.stream().mapToLong(r -> r.area().logicCells()).sum();
        long estimated = synthesized.stream().mapToLong(r -> r.area().analyticalCells()).sum();
        double low = synthesized.stream().mapToDouble(r -> r.area().ratio()).min().orElseThrow();
        double high = synthesized.stream().mapToDouble(r -> r.area().ratio()).max().orElseThrow();
        html.append(String.format(Locale.ROOT, "<h2>Area: Yosys against the area model</h2><p>Every LUT layer of"
                + " %d points generated as <code>lutboost rtl</code> writes it (one centroid a cycle) and synthesized"
                + " by Yosys into generic cells, memories apart. Yosys counts <b>%.2f</b> times the area model's"
                + " estimate over all of them (%.2f to %.2f by point). See docs/cost-model.md.</p>", synthesized.size(),
                (double) yosys / estimated, low, high));
        html.append("<table><tr><th>point</th><th>layer</th><th>Yosys cells</th><th>flip-flops</th>"
                + "<th>area model</th><th>ratio</th></tr>");
        for (SweepResult r : synthesized) {
            for (SynthesizedArea.Layer l : r.area().layers()) {
                html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td>"
                        + "<td>%.2f</td></tr>", r.point() != null ? r.point().id() : "mixed",
                        ReportPage.escape(l.name()), l.logicCells(), l.flipFlops(), l.analyticalCells(),
                        (double) l.logicCells() / l.analyticalCells()));
            }
        }
        html.append("</table>");
        if (ChartLibrary.present()) {
            Path png = dir.resolve("plots").resolve("area.png");
            SweepCharts.area(title, synthesized, png);
            html.append(ReportPage.image("synthesized against estimated area", png));
        }
    }

    /**
     * Writes everything.
     *
     * @param title the report's title
     * @param results the sweep
     * @param mixed the mixed per-layer search's outcome, or null
     * @param model the cost model used
     * @param dir the sweep's directory
     * @return the HTML page
     * @throws LutBoostException if a file cannot be written
     */
    public static Path write(String title, List<SweepResult> results, MixedSearch.Outcome mixed, CostModel model,
            Path dir)
            throws LutBoostException {
        List<SweepResult> energyFront = ParetoFront.of(results, AXES.get(0).cost());
        StringBuilder csv = new StringBuilder("point,v,k,metric,tableBits,testAccuracy,bitsPerActivation,lutBytes,"
                + "int8Bytes,lutEnergyPj,int8EnergyPj,lutCycles,int8Cycles,seconds,paretoEnergy,paretoMemory,"
                + "estimatedCells,yosysCells\n");
        List<SweepResult> memoryFront = ParetoFront.of(results, AXES.get(1).cost());
        for (SweepResult r : results) {
            SweepPoint p = r.point();
            NetworkCost c = r.cost();
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%d,%.4f,%.4f,%.0f,%.0f,%.1f,%.1f,%.0f,%.0f,%.1f,%b,%b,%d,%s%n",
                    p.id(), p.v(), p.k(), p.metric().name().toLowerCase(Locale.ROOT), p.tableBits(),
                    r.testAccuracy(), c.bitsPerActivation(), c.lutBytes(), c.int8Bytes(), c.lutEnergyPj(),
                    c.int8EnergyPj(), c.lutCycles(), c.int8Cycles(), r.seconds(),
                    energyFront.contains(r), memoryFront.contains(r), c.logicCells(),
                    r.area() != null ? Long.toString(r.area().logicCells()) : ""));
        }
        AtomicFiles.writeString(dir.resolve("dse.csv"), csv.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("energyConstantsPj", model.energy());
        json.put("array", model.array());
        json.put("results", results);
        AtomicFiles.writeString(dir.resolve("dse.json"),
                ReportJson.GSON.toJson(json));

        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(ReportPage.escape(title))
                .append("</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                        + "tr.front{background:#e8f4e8}</style></head><body>");
        html.append("<h1>").append(ReportPage.escape(title)).append("</h1>");
        SweepResult chosen = chosen(results);
        NetworkCost c = chosen.cost();
        EnergyConstants e = model.energy();
        html.append(String.format(Locale.ROOT, "<h2>Chosen configuration: %s</h2><p>The lowest energy within one"
                + " point of the best accuracy: %.2f %% test accuracy, %.3f bits per activation. Against the dense"
                + " int8 network of the same shape (layers kept dense cost the same on both sides): energy %.2f uJ"
                + " vs %.2f uJ per sample (ratio <b>%.3f</b>), parameter memory %.1f KB vs %.1f KB (ratio <b>%.2f</b>),"
                + " cycles %.0f vs %.0f (ratio %.3f).</p><p>Constants (Horowitz, ISSCC 2014, 45 nm, pJ): int8 add"
                + " %.2f, int8 mult %.2f, int32 add %.2f, fp32 add %.2f, fp32 mult %.2f, 64-bit 8 KB SRAM read %.1f,"
                + " other sizes by the square root of the capacity. Dataflow: LUT-stationary (centroids in the"
                + " distance units' registers, each codebook's table in its own memory, both loaded once per pass),"
                + " the dense reference weight-stationary, %d samples per pass. Array: %d centroid units, %d output"
                + " lanes, %d MACs, %d bytes/cycle. See docs/cost-model.md.</p>",
                chosen.point().id(), 100 * chosen.testAccuracy(), c.bitsPerActivation(), c.lutEnergyPj() / 1e6,
                c.int8EnergyPj() / 1e6, c.lutEnergyPj() / c.int8EnergyPj(), c.lutBytes() / 1024, c.int8Bytes() / 1024,
                c.lutBytes() / c.int8Bytes(), c.lutCycles(), c.int8Cycles(), c.lutCycles() / c.int8Cycles(),
                e.int8Add(), e.int8Mult(), e.int32Add(), e.fp32Add(), e.fp32Mult(), e.sramRead64(),
                model.array().samplesPerPass(), model.array().centroidUnits(), model.array().outputLanes(),
                model.array().macUnits(), model.array().bytesPerCycle()));
        html.append("<h3>Its LUT layers, energy per sample (nJ)</h3><table><tr><th>layer</th><th>D</th><th>N</th>"
                + "<th>M</th><th>search</th><th>lookups</th><th>loads</th><th>LUT total</th><th>int8 MACs</th>"
                + "<th>int8 loads</th><th>LUT / int8</th></tr>");
        for (LayerCost l : c.layers()) {
            html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td>"
                    + "<td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.3f</td></tr>",
                    ReportPage.escape(l.shape().name()), l.shape().inputLength(), l.shape().outputs(),
                    l.shape().positions(), l.searchEnergyPj() / 1e3, l.lookupEnergyPj() / 1e3,
                    l.lutLoadEnergyPj() / 1e3, l.lutEnergyPj() / 1e3, l.int8MacEnergyPj() / 1e3,
                    l.int8LoadEnergyPj() / 1e3, l.lutEnergyPj() / l.int8EnergyPj()));
        }
        html.append("</table>");
        if (mixed != null) {
            NetworkCost mc = mixed.measured().cost();
            StringBuilder layers = new StringBuilder();
            mixed.assignment().forEach((layer, p) -> layers.append(layer).append(": ").append(p.id()).append("; "));
            html.append(String.format(Locale.ROOT, "<h2>Mixed per-layer configuration</h2><p>%s</p><p>Layers: %s"
                    + "measured %.2f %% (predicted %.2f %%; measured over predicted drop fitted on the uniform points:"
                    + " %.2f), energy %.2f uJ (%.3f of the dense int8 network), memory %.1f KB. Recipe: %s</p>",
                    ReportPage.escape(mixed.verdict()), ReportPage.escape(layers.toString()), 100 * mixed.measured().testAccuracy(),
                    100 * mixed.predictedAccuracy(), mixed.scale(), mc.lutEnergyPj() / 1e6,
                    mc.lutEnergyPj() / mc.int8EnergyPj(), mc.lutBytes() / 1024, ReportPage.escape(mixed.recipeFile().toString())));
        }
        html.append("<h2>All points</h2><p>Shaded rows are on the energy Pareto front.</p><table><tr><th>point</th>"
                + "<th>test acc. %</th><th>bits/act.</th><th>memory KB</th><th>energy uJ</th><th>energy / int8</th>"
                + "<th>cycles</th><th>cells (model)</th><th>cells (Yosys)</th><th>proxy s</th></tr>");
        for (SweepResult r : results) {
            NetworkCost k = r.cost();
            html.append(String.format(Locale.ROOT,
                    "<tr%s><td>%s</td><td>%.2f</td><td>%.3f</td><td>%.1f</td><td>%.3f</td>"
                            + "<td>%.3f</td><td>%.0f</td><td>%d</td><td>%s</td><td>%.0f</td></tr>",
                    energyFront.contains(r) ? " class=\"front\"" : "",
                    r.point().id(), 100 * r.testAccuracy(), k.bitsPerActivation(), k.lutBytes() / 1024,
                    k.lutEnergyPj() / 1e6, k.lutEnergyPj() / k.int8EnergyPj(), k.lutCycles(), k.logicCells(),
                    r.area() != null ? Long.toString(r.area().logicCells()) : "", r.seconds()));
        }
        html.append("</table>");
        List<SweepResult> synthesized = results.stream().filter(r -> r.area() != null).toList();
        if (!synthesized.isEmpty()) {
            appendArea(html, title, synthesized, dir);
        }
        html.append("<h2>Pareto fronts</h2>");
        if (!ChartLibrary.present()) {
            html.append("<p>Plots are drawn when XChart (org.knowm.xchart:xchart) is on the class path.</p>");
        }
        for (Axis axis : ChartLibrary.present() ? AXES : List.<Axis>of()) {
            Path png = dir.resolve("plots").resolve("pareto-" + axis.name() + ".png");
            SweepCharts.plot(title, axis.name(), axis.title(), axis.cost(), results, png);
            html.append(ReportPage.image("accuracy against " + axis.title(), png));
        }
        html.append("</body></html>\n");
        Path page = dir.resolve("report.html");
        AtomicFiles.writeString(page, html.toString());
        return page;
    }
}
