package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The shipped ViT recipe, shrunk to one encoder block and a few hundred images, runs every stage
 * unchanged, converts the attention and MLP layers, and ends with a bundle whose engine gives the
 * integer simulation's logits on every test image.
 */
class TransformerConvertTest {

    @TempDir Path dir;

    @Test
    void runConvertsTheEncoderLayersAndVerifiesTheBundle() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        // v=4, K=16 instead of the recipe's v=8, K=256 runs this test in about a third of the time; the
        // K=256 bundle is verified on all 10,000 test images by the run docs/measurements.md reports.
        int code = cmd.execute("run", "fashion-vit-tiny-lut", "-o", dir.toString(), "-q",
                "--set", "lut.defaults.v=4", "--set", "lut.defaults.k=16",
                "--set", "model.depth=1", "--set", "train.epochs=1", "--set", "train.warmupEpochs=0",
                "--set", "dataset.trainLimit=384", "--set", "dataset.testLimit=64",
                "--set", "stages.kmeans.samples=64", "--set", "stages.calibrate.epochs=1",
                "--set", "stages.calibrate.samples=64", "--set", "stages.finetune.epochs=1",
                // The hard estimator's terms must outlive the attention block's own scope.
                "--set", "lut.defaults.estimator=hard");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("verify            64/64 identical"), out.toString());
        assertTrue(out.toString().contains("golden vectors    256/256 identical"), out.toString());
        assertTrue(Files.isRegularFile(dir.resolve("bundle/manifest.json")), "bundle written");
        String manifest = Files.readString(dir.resolve("bundle/manifest.json"));
        for (String op : List.of("\"tokens\"", "\"layer_norm\"", "\"attention\"", "\"gelu\"", "\"select_token\"",
                "\"lut_linear\"")) {
            assertTrue(manifest.contains("\"op\": " + op), op + " in the manifest");
        }

        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
        List<String> stages = new ArrayList<>();
        for (JsonElement s : report.getAsJsonArray("stages")) {
            stages.add(s.getAsJsonObject().get("stage").getAsString());
        }
        assertEquals(List.of("baseline", "kmeans", "calibrate", "finetune", "freeze"), stages);
        List<String> converted = new ArrayList<>();
        JsonArray layers = report.getAsJsonArray("layers");
        for (JsonElement l : layers) {
            JsonObject o = l.getAsJsonObject();
            converted.add(o.get("path").getAsString());
            assertEquals(1.0, o.get("bitsPerActivation").getAsDouble(), 0.0);
        }
        assertEquals(List.of("encoder1.attn.query", "encoder1.attn.key", "encoder1.attn.value", "encoder1.attn.proj",
                "encoder1.mlp_fc1", "encoder1.mlp_fc2"), converted);
    }
}
