package ai.lutboost.pipeline;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Saves XChart charts as PNG files; call only when {@link ChartLibrary#present()}. */
public final class PngCharts {

    private PngCharts() {}

    /**
     * Writes a chart atomically: a reader never sees half a file.
     *
     * @param chart the chart
     * @param file the PNG file
     * @return the file
     * @throws LutBoostException if it cannot be written
     */
    public static Path save(Chart<?, ?> chart, Path file) throws LutBoostException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".png");
            try {
                BitmapEncoder.saveBitmap(chart, temp.toString(), BitmapEncoder.BitmapFormat.PNG);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return file;
        } catch (IOException e) {
            throw new LutBoostException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
