package ai.lutboost.dse;

import ai.lutboost.LutBoostException;
import ai.lutboost.pipeline.PngCharts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
