package ai.lutboost.pipeline;

import ai.lutboost.LutBoostException;
import ai.lutboost.stage.StageResult;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.CheckpointException;
import ai.lutboost.training.ReportJson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The record of a pipeline run: which stages finished with what accuracy, per-layer
 * reconstruction error, and each converted layer's cost. Written as {@code report.json} after
 * every stage (atomically), it is also what {@code --resume} reads to know which stages are done.
 *
 * @param recipe the recipe's name
 * @param recipeSha256 the resolved recipe's SHA-256
 * @param seed the seed
 * @param dataset the dataset's name
 * @param stages finished stages, in order
 * @param layers converted layers, in forward order
 * @param denseLayers layers kept dense, in forward order
 */
public record PipelineReport(
        String recipe,
        String recipeSha256,
        long seed,
        String dataset,
        List<StageResult> stages,
        List<LayerReport> layers,
        List<String> denseLayers) {

    /** The report's file name in the output directory. */
    public static final String FILE = "report.json";

    /** Copies the lists. */
    public PipelineReport {
        stages = List.copyOf(stages);
        layers = List.copyOf(layers);
        denseLayers = List.copyOf(denseLayers);
    }

    /**
     * Returns the result of a stage.
     *
     * @param name the stage
     * @return the result, or null if it has not finished
     */
    public StageResult stage(String name) {
        return stages.stream().filter(s -> s.stage().equals(name)).findFirst().orElse(null);
    }

    /**
     * Returns this report with a stage's result added, replacing an earlier one of that stage
     * and dropping the results of later stages, which no longer follow from it.
     *
     * @param result the result
     * @param order the stages' order
     * @return the new report
     */
    public PipelineReport with(StageResult result, List<String> order) {
        int rank = order.indexOf(result.stage());
        List<StageResult> kept = new ArrayList<>();
        for (StageResult s : stages) {
            if (order.indexOf(s.stage()) < rank) {
                kept.add(s);
            }
        }
        kept.add(result);
        return new PipelineReport(recipe, recipeSha256, seed, dataset, kept, layers, denseLayers);
    }

    /**
     * Returns this report with the converted layers described.
     *
     * @param converted the converted layers
     * @param dense the layers kept dense
     * @return the new report
     */
    public PipelineReport withLayers(List<LayerReport> converted, List<String> dense) {
        return new PipelineReport(recipe, recipeSha256, seed, dataset, stages, converted, dense);
    }

    /**
     * Writes the report atomically, its plots into {@code plots/} beside it, and
     * {@code report.html} with both.
     *
     * @param file the file
     * @throws LutBoostException if it cannot be written
     */
    public void write(Path file) throws LutBoostException {
        AtomicFiles.writeString(file, ReportJson.GSON.toJson(this));
        Path dir = file.toAbsolutePath().getParent();
        ReportPage.write(this, ReportPlots.write(this, dir.resolve("plots")), dir.resolve(ReportPage.FILE));
    }

    /**
     * Reads a report.
     *
     * @param file the file
     * @return the report
     * @throws LutBoostException if it cannot be read or is malformed
     */
    public static PipelineReport read(Path file) throws LutBoostException {
        try {
            PipelineReport r = ReportJson.GSON.fromJson(
                    Files.readString(file, StandardCharsets.UTF_8), PipelineReport.class);
            if (r == null || r.stages() == null) {
                throw new JsonParseException("no stages");
            }
            return r;
        } catch (IOException | JsonParseException | NullPointerException e) {
            throw new CheckpointException(
                    file + ": the pipeline report is unreadable (" + e.getMessage() + "); delete it and run"
                            + " without --resume, or choose another --output", e);
        }
    }

    /**
     * The one-screen summary: accuracy after each stage, then the converted layers.
     *
     * @return the text
     */
    public String table() {
        StringBuilder b = new StringBuilder();
        StageResult base = stage("baseline");
        b.append(String.format(
                Locale.ROOT, "%-10s %9s %9s %8s %9s%n", "stage", "test acc", "drop", "val acc", "seconds"));
        for (StageResult s : stages) {
            String drop = base == null
                    ? "" : String.format(Locale.ROOT, "%+.2f", 100 * (s.testAccuracy() - base.testAccuracy()));
            String val = Double.isFinite(s.validationAccuracy())
                    ? String.format(Locale.ROOT, "%.2f%%", 100 * s.validationAccuracy()) : "-";
            b.append(String.format(Locale.ROOT, "%-10s %8.2f%% %9s %8s %9.1f%n", s.stage(),
                    100 * s.testAccuracy(), drop, val, s.seconds()));
        }
        if (!layers.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n%-24s %-7s %3s %4s %-9s %4s %9s %10s %10s %9s%n",
                    "layer", "type", "v", "K", "metric", "bits", "bits/act", "table B", "centroid B", "recon err"));
            StageResult last = null;
            for (StageResult s : stages) {
                if (!s.reconstructionError().isEmpty()) {
                    last = s;
                }
            }
            long tables = 0;
            long centroids = 0;
            for (LayerReport l : layers) {
                Double err = last == null ? null : last.reconstructionError().get(l.path());
                b.append(String.format(Locale.ROOT, "%-24s %-7s %3d %4d %-9s %4d %9.3f %10d %10d %9s%n",
                        l.path(), l.type(), l.v(), l.k(), l.metric(), l.tableBits(), l.bitsPerActivation(),
                        l.tableBytes(), l.centroidBytes(),
                        err == null ? "-" : String.format(Locale.ROOT, "%.4f", err)));
                tables += l.tableBytes();
                centroids += l.centroidBytes();
            }
            b.append(String.format(Locale.ROOT, "%-24s %59d %10d%n", "total", tables, centroids));
            if (last != null) {
                b.append("(reconstruction error after stage ").append(last.stage()).append(")\n");
            }
            b.append("dense: ").append(denseLayers).append('\n');
        }
        return b.toString();
    }
}
