package ai.lutboost.quant;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the freeze stage decides about the datapath and the export writes: the fixed-point format
 * of every tensor, calibrated once on the frozen model. Saved beside the freeze checkpoint, so the
 * export builds the integer model from the plan without calibrating again.
 *
 * @param formats tensor name to format, in graph order
 * @param calibrationImages the training images the formats were calibrated on
 */
public record DatapathPlan(Map<String, FixedPointFormat> formats, int calibrationImages) {

    /** The file beside the freeze checkpoint. */
    public static final String FILE_NAME = "datapath-plan.json";

    private static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** Copies the formats, keeping their order. */
    public DatapathPlan {
        formats = Collections.unmodifiableMap(new LinkedHashMap<>(formats));
    }

    /**
     * Returns the plan as JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("version", VERSION);
        root.addProperty("calibrationImages", calibrationImages);
        JsonObject tensors = new JsonObject();
        formats.forEach((name, f) -> {
            JsonObject o = new JsonObject();
            o.addProperty("bits", f.bits());
            o.addProperty("fractionBits", f.fractionBits());
            o.addProperty("signed", f.signed());
            tensors.add(name, o);
        });
        root.add("formats", tensors);
        return GSON.toJson(root) + "\n";
    }

    /**
     * Reads a plan written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the plan
     * @throws IllegalArgumentException saying what is wrong if the text is not a plan of this
     *     version
     */
    public static DatapathPlan fromJson(String json) {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            int version = root.get("version").getAsInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("datapath plan version " + version + ", this version reads "
                        + VERSION);
            }
            Map<String, FixedPointFormat> formats = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("formats").entrySet()) {
                JsonObject o = e.getValue().getAsJsonObject();
                formats.put(e.getKey(), new FixedPointFormat(o.get("bits").getAsInt(), o.get("fractionBits").getAsInt(),
                        o.get("signed").getAsBoolean()));
            }
            return new DatapathPlan(formats, root.get("calibrationImages").getAsInt());
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("not a datapath plan: " + e.getMessage(), e);
        }
    }
}
