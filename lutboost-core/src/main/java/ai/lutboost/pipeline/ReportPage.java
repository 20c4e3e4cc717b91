package ai.lutboost.pipeline;

import ai.lutboost.LutBoostException;
import ai.lutboost.training.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * {@code report.html}: a run's summary as one self-contained page to open in a browser, the
 * stage and layer tables as the command line prints them and the plots embedded.
 */
public final class ReportPage {

    /** The page's file name, beside {@code report.json}. */
    public static final String FILE = "report.html";

    private ReportPage() {}

    /**
     * Writes the page atomically.
     *
     * @param report the report
     * @param plots the plots to embed, as {@link ReportPlots#write} returned them
     * @param file the page
     * @throws LutBoostException if a plot cannot be read or the page written
     */
    public static void write(PipelineReport report, List<Path> plots, Path file) throws LutBoostException {
        StringBuilder html = new StringBuilder();
        String title = "LUTBoost run: " + escape(report.recipe());
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
                        + "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body><h1>")
                .append(title).append("</h1><p>Dataset ").append(escape(report.dataset())).append(", seed ")
                .append(report.seed()).append(", recipe SHA-256 ").append(escape(report.recipeSha256()))
                .append(".</p><pre>").append(escape(report.table())).append("</pre>");
        for (Path png : plots) {
            html.append(image(png.getFileName().toString(), png));
        }
        html.append("</body></html>\n");
        AtomicFiles.writeString(file, html.toString());
    }

    /**
     * Returns a paragraph holding a PNG file as an embedded image, so the page needs no other file.
     *
     * @param alt the image's description
     * @param png the file
     * @return the HTML
     * @throws LutBoostException if the file cannot be read
     */
    public static String image(String alt, Path png) throws LutBoostException {
        try {
            return "<p><img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\"></p>";
        } catch (IOException e) {
            throw new LutBoostException("cannot read " + png + ": " + e.getMessage(), e);
        }
    }

    /**
     * Escapes text for HTML.
     *
     * @param s the text
     * @return it with {@code &}, {@code <} and {@code >} escaped
     */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
