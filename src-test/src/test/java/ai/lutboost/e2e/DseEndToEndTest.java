package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A small sweep through the CLI: report written, and a rerun trains only the new points. */
class DseEndToEndTest {

    private static final String[] SMALL = {
        "--set", "dataset.trainLimit=2000", "--set", "dataset.testLimit=500", "--set", "train.epochs=1",
        "--set", "stages.kmeans.samples=512", "--set", "stages.calibrate.samples=256"
    };

    @TempDir Path dir;

    private String dse(String ks, String... extra) {
        List<String> args = new ArrayList<>(List.of("dse", "-o", dir.toString(), "--v", "4", "--k", ks));
        args.addAll(List.of(extra));
        args.addAll(List.of(SMALL));
        StringWriter out = new StringWriter();
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        assertEquals(0, cmd.execute(args.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    private static String html(Path dir) throws java.io.IOException {
        return Files.readString(dir.resolve("report.html"));
    }

    @Test
    void sweepWritesItsReportAndNeverRetrainsAFinishedPoint() throws Exception {
        String first = dse("8,16");
        assertTrue(first.contains("training the baseline"), first);
        assertTrue(first.contains("point 2/2 v4-k16-l2-t8 ..."), first);

        String second = dse("8,16,32", "--mixed");
        assertTrue(second.contains("point 1/3 v4-k8-l2-t8: finished earlier"), second);
        assertTrue(second.contains("point 2/3 v4-k16-l2-t8: finished earlier"), second);
        assertTrue(second.contains("point 3/3 v4-k32-l2-t8 ..."), second);
        assertTrue(!second.contains("training the baseline"), second);

        List<String> csv = Files.readAllLines(dir.resolve("dse.csv"));
        assertEquals(4, csv.size(), String.join("\n", csv));
        String html = html(dir);
        assertTrue(html.contains("Chosen configuration") && html.contains("data:image/png;base64,"), "self-contained");
        assertTrue(Files.size(dir.resolve("plots").resolve("pareto-energy.png")) > 1000);
        assertTrue(second.contains("sensitivity 9/9"), "3 layers x 3 configurations: " + second);
        assertTrue(second.contains("mixed             the mixed configuration"), second);
        Recipe mixed = RecipeLoader.load(dir.resolve("mixed.yaml"), List.of());
        assertEquals(3, mixed.lut().byName().size(), "one configuration per converted layer");
        assertTrue(html(dir).contains("Mixed per-layer configuration"));
        // More centroids cost more table memory at the same v.
        double k8 = Double.parseDouble(csv.get(1).split(",")[7]);
        double k32 = Double.parseDouble(csv.get(3).split(",")[7]);
        assertTrue(k32 > k8, csv.toString());
    }
}
