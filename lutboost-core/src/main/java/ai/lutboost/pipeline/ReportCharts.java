package ai.lutboost.pipeline;

import ai.lutboost.LutBoostException;
import ai.lutboost.stage.StageResult;
import ai.lutboost.training.EpochMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws {@link ReportPlots} with XChart: the training curves of every stage that trains end
 * to end (loss and validation accuracy against the epoch counted across stages), and the test
 * accuracy after each stage.
 */
final class ReportCharts {

    private ReportCharts() {}

    static List<Path> write(PipelineReport report, Path dir) throws LutBoostException {
        List<Path> out = new ArrayList<>();
        XYChart curves = new XYChartBuilder().width(900).height(500)
                .title(report.recipe() + ": training curves").xAxisTitle("epoch (all stages)").yAxisTitle("value")
                .build();
        curves.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        curves.getStyler().setYAxisDecimalPattern("0.00");
        int offset = 0;
        for (StageResult s : report.stages()) {
            List<EpochMetrics> h = s.history();
            if (h.isEmpty()) {
                continue;
            }
            double[] x = new double[h.size()];
            double[] loss = new double[h.size()];
            double[] val = new double[h.size()];
            for (int i = 0; i < h.size(); i++) {
                x[i] = offset + i + 1;
                loss[i] = h.get(i).trainLoss();
                val[i] = Double.isNaN(h.get(i).validationAccuracy()) ? 0 : h.get(i).validationAccuracy();
            }
            curves.addSeries(s.stage() + " train loss", x, loss);
            curves.addSeries(s.stage() + " val acc", x, val);
            offset += h.size();
        }
        if (offset > 0) {
            out.add(PngCharts.save(curves, dir.resolve(ReportPlots.CURVES)));
        }
        CategoryChart stages = new CategoryChartBuilder().width(700).height(450)
                .title(report.recipe() + ": test accuracy after each stage").xAxisTitle("stage")
                .yAxisTitle("test accuracy (%)")
                .build();
        stages.getStyler().setLegendVisible(false);
        stages.getStyler().setLabelsVisible(true);
        List<String> names = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        for (StageResult s : report.stages()) {
            names.add(s.stage());
            // Bar labels print the value as it is: 100 * 0.8938 would read 89.38000000000001.
            accuracy.add(Math.round(10_000 * s.testAccuracy()) / 100.0);
        }
        if (!names.isEmpty()) {
            double low = accuracy.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            stages.getStyler().setYAxisMin(Math.max(0, Math.floor(low / 5) * 5 - 5));
            stages.addSeries("test accuracy", names, accuracy);
            out.add(PngCharts.save(stages, dir.resolve(ReportPlots.STAGES)));
        }
        return out;
    }
}
