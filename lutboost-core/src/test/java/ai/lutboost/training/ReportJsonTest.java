package ai.lutboost.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.lutboost.stage.StageResult;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    private static JsonObject strictParse(String json) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        return com.google.gson.JsonParser.parseReader(reader).getAsJsonObject();
    }

    @Test
    void aNumberNeverMeasuredIsNullInStrictJsonAndNaNWhenRead() {
        StageResult unmeasured = new StageResult("baseline", 0.9, Double.NaN, 1.5, Map.of("fc1", 0.25), List.of());
        String json = ReportJson.GSON.toJson(unmeasured);
        JsonObject parsed = strictParse(json);
        assertTrue(parsed.get("validationAccuracy").isJsonNull(), json);
        assertEquals(0.9, parsed.get("testAccuracy").getAsDouble());
        StageResult back = ReportJson.GSON.fromJson(json, StageResult.class);
        assertTrue(Double.isNaN(back.validationAccuracy()));
        assertEquals(0.25, back.reconstructionError().get("fc1"));
        assertEquals(unmeasured.testAccuracy(), back.testAccuracy());
    }

    @Test
    void reportsWrittenWithNaNBeforeStillRead() {
        String old = "{\"stage\": \"baseline\", \"testAccuracy\": 0.9, \"validationAccuracy\": NaN, \"seconds\": 1.0,"
                + " \"reconstructionError\": {}, \"history\": []}";
        assertTrue(Double.isNaN(ReportJson.GSON.fromJson(old, StageResult.class).validationAccuracy()));
    }
}
