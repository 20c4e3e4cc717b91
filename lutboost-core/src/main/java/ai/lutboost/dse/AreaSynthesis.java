package ai.lutboost.dse;

import ai.lutboost.LutBoostException;
import ai.lutboost.rtl.LayerParameters;
import ai.lutboost.rtl.RtlGenerator;
import ai.lutboost.rtl.RtlSynthesis;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.ReportJson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Synthesizes a sweep point's LUT layers with Yosys, as {@code lutboost rtl} would generate them
 * for a bundle of that configuration (one centroid a cycle, activation-wide outputs), and keeps
 * the counts in the point's {@code area.json}, so a rerun does not synthesize again.
 */
public final class AreaSynthesis {

    /** The file a synthesized point leaves. */
    public static final String AREA = "area.json";

    private AreaSynthesis() {}

    /**
     * Gives every uniform point of a sweep its area, each kept in its directory.
     *
     * @param results the sweep's points
     * @param sweepDir the sweep's directory
     * @param log progress lines
     * @return the points with their areas
     * @throws LutBoostException if Yosys is missing or fails, or a file cannot be written
     */
    public static List<SweepResult> synthesize(List<SweepResult> results, Path sweepDir, Consumer<String> log)
            throws LutBoostException {
        List<SweepResult> counted = new ArrayList<>();
        for (SweepResult r : results) {
            log.accept("synthesizing " + r.point().id());
            counted.add(r.withArea(of(r, Sweep.pointDirectory(sweepDir, r.point()), log)));
        }
        return counted;
    }

    /**
     * Returns the point's area, synthesizing the layers not counted before.
     *
     * @param result the point
     * @param dir the point's directory
     * @param log progress lines
     * @return the area
     * @throws LutBoostException if Yosys is missing or fails, or a file cannot be written
     */
    public static SynthesizedArea of(SweepResult result, Path dir, Consumer<String> log) throws LutBoostException {
        Path file = dir.resolve(AREA);
        if (Files.isRegularFile(file)) {
            try {
                SynthesizedArea a = ReportJson.GSON.fromJson(Files.readString(file), SynthesizedArea.class);
                if (a != null && a.layers() != null) {
                    return a;
                }
            } catch (IOException | JsonParseException e) {
                throw new LutBoostException(file + " is not an area count (" + e.getMessage()
                        + "); delete it to synthesize that point again", e);
            }
        }
        Path work = dir.resolve("rtl");
        List<SynthesizedArea.Layer> layers = new ArrayList<>();
        try {
            for (LayerCost c : result.cost().layers()) {
                LutConfig config = c.config();
                String name = c.shape().name();
                LayerParameters p = new LayerParameters(name, config.v(), config.k(), (int) c.codebooks(),
                        (int) c.shape().outputs(), config.activationBits(), config.tableBits(),
                        config.activationBits(), config.metric(), 1, true);
                long start = System.nanoTime();
                RtlGenerator.writeForSynthesis(p, work, name.hashCode());
                RtlSynthesis.Result r = RtlSynthesis.run(work, name);
                double seconds = (System.nanoTime() - start) / 1e9;
                layers.add(new SynthesizedArea.Layer(name, r.logicCells(), r.flipFlops(), c.logicCells(), seconds));
                log.accept(String.format(Locale.ROOT, "  synthesized %s (%s): %d cells, %d estimated (%.0f s)", name,
                        p.description(), r.logicCells(), c.logicCells(), seconds));
            }
        } finally {
            try {
                AtomicFiles.deleteTree(work);
            } catch (IOException e) {
                log.accept("  cannot delete " + work + ": " + e.getMessage());
            }
        }
        SynthesizedArea area = SynthesizedArea.of(layers);
        AtomicFiles.writeString(file, ReportJson.GSON.toJson(area));
        return area;
    }
}
