package ai.lutboost.dse;

import ai.lutboost.LutBoostException;
import ai.lutboost.pipeline.PngCharts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a sweep's Pareto fronts for {@link SweepReport} with XChart, which the core has as optional. */
final class SweepCharts {

    private SweepCharts() {}

    static void plot(String title, String name, String axisTitle, ToDoubleFunction<SweepResult> cost, List<SweepResult> results,
            Path png) throws LutBoostException {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title + ": accuracy against " + name)
                .xAxisTitle(axisTitle).yAxisTitle("test accuracy (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (SweepResult r : results) {
            x.add(cost.applyAsDouble(r));
            y.add(100 * r.testAccuracy());
        }
        chart.addSeries("points", x, y);
        List<SweepResult> front = ParetoFront.of(results, cost);
        XYSeries line = chart.addSeries("Pareto front", front.stream().map(r -> cost.applyAsDouble(r)).toList(),
                front.stream().map(r -> 100 * r.testAccuracy()).toList());
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.CIRCLE);
        PngCharts.save(chart, png);
    }

    /** Yosys's cell count of each synthesized layer against the area model's, with the line of equality. */
    static void area(String title, List<SweepResult> synthesized, Path png) throws LutBoostException {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title + ": synthesized against estimated area")
                .xAxisTitle("area model (thousand cells)").yAxisTitle("Yosys (thousand cells)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double top = 1;
        Map<String, List<SynthesizedArea.Layer>> byLayer = new TreeMap<>();
        for (SweepResult r : synthesized) {
            for (SynthesizedArea.Layer l : r.area().layers()) {
                byLayer.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l);
                top = Math.max(top, Math.max(l.logicCells(), l.analyticalCells()) / 1e3);
            }
        }
        for (Map.Entry<String, List<SynthesizedArea.Layer>> e : byLayer.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue().stream().map(l -> l.analyticalCells() / 1e3).toList(),
                    e.getValue().stream().map(l -> l.logicCells() / 1e3).toList());
        }
        XYSeries line = chart.addSeries("equal", List.of(0.0, top), List.of(0.0, top));
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.NONE);
        PngCharts.save(chart, png);
    }
}
