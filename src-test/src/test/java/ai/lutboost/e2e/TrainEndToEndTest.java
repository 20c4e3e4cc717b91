package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.cli.LutBoostCommand;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI trains a shipped recipe on real Fashion-MNIST at small scale. */
class TrainEndToEndTest {

    @TempDir Path dir;

    private static int run(StringWriter out, String... args) {
        CommandLine cmd = LutBoostCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        return cmd.execute(args);
    }

    private JsonObject train(String name, StringWriter out) throws Exception {
        Path output = dir.resolve(name);
        int code = run(out, "train", "-r", "fashion-lenet5", "-o", output.toString(),
                "--set", "train.epochs=2", "--set", "dataset.trainLimit=4000", "--set", "dataset.testLimit=2000");
        assertEquals(0, code, out.toString());
        return JsonParser.parseString(Files.readString(output.resolve("metrics.json"))).getAsJsonObject();
    }

    @Test
    void shippedRecipeTrainsReportsAndReproduces() throws Exception {
        StringWriter out = new StringWriter();
        JsonObject a = train("a", out);
        assertTrue(out.toString().contains("epoch 2/2"), out.toString());
        // Not a terminal: a line per tenth of an epoch instead of a bar. 4,000 training images
        // make 32 batches of 128; the ninth tenth is reached at step 29, and the epoch's own line
        // stands for the last.
        assertTrue(out.toString().contains("baseline 2/2: 29/32 steps, "), out.toString());
        assertFalse(out.toString().contains("baseline 2/2: 32/32 steps"), out.toString());
        assertTrue(out.toString().contains("test accuracy"), out.toString());
        assertEquals("fashion-lenet5", a.get("recipe").getAsString());
        assertEquals(61_706, a.get("parameters").getAsLong());
        assertEquals(2000, a.get("testSamples").getAsLong());
        JsonArray epochs = a.getAsJsonArray("epochs");
        assertEquals(2, epochs.size());
        double loss1 = epochs.get(0).getAsJsonObject().get("trainLoss").getAsDouble();
        double loss2 = epochs.get(1).getAsJsonObject().get("trainLoss").getAsDouble();
        assertTrue(loss2 < loss1, "loss must fall: " + loss1 + " -> " + loss2);
        // 4,000 images for 2 epochs: about 80 % on the test split; chance is 10 %.
        double accuracy = a.get("testAccuracy").getAsDouble();
        assertTrue(accuracy > 0.74, "test accuracy " + accuracy);

        JsonObject b = train("b", new StringWriter());
        assertEquals(accuracy, b.get("testAccuracy").getAsDouble(), "same recipe and seed: same accuracy");
        assertEquals(a.get("recipeSha256"), b.get("recipeSha256"));
    }
}
