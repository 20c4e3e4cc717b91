package ai.lutboost.pipeline;

import ai.lutboost.LutBoostException;
import java.nio.file.Path;
import java.util.List;

/**
 * A report's plots as PNG: the training curves of every stage that trains end to end (loss and
 * validation accuracy against the epoch counted across stages), and the test accuracy after each
 * stage. Drawn when XChart is on the class path ({@link ChartLibrary}), skipped otherwise.
 */
public final class ReportPlots {

    /** The training-curves file name. */
    public static final String CURVES = "training-curves.png";
    /** The accuracy-per-stage file name. */
    public static final String STAGES = "accuracy-per-stage.png";

    private ReportPlots() {}

    /**
     * Writes both plots into a directory, each atomically.
     *
     * @param report the report
     * @param dir the directory
     * @return the files written: none without XChart
     * @throws LutBoostException if a file cannot be written
     */
    public static List<Path> write(PipelineReport report, Path dir) throws LutBoostException {
        return ChartLibrary.present() ? ReportCharts.write(report, dir) : List.of();
    }
}
