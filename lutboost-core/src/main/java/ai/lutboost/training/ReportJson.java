package ai.lutboost.training;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * The JSON of reports, metrics and checkpoint state, which other tools read: a number that is
 * not finite (a validation accuracy that was never measured) is written as {@code null}, because
 * {@code NaN} is not JSON and strict readers ({@code jq}, browsers' {@code JSON.parse}) reject the
 * file; a {@code null} reads back as {@code NaN}, and so does a {@code NaN} in files written
 * before.
 */
public final class ReportJson {

    /** Pretty-printed; non-finite numbers as {@code null}, and a null field kept as {@code null}. */
    public static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .registerTypeAdapter(double.class, new FiniteOrNull())
            .registerTypeAdapter(Double.class, new FiniteOrNull())
            .create();

    private ReportJson() {}

    private static final class FiniteOrNull extends TypeAdapter<Double> {

        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                out.nullValue();
            } else {
                out.value(value.doubleValue());
            }
        }

        @Override
        public Double read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return Double.NaN;
            }
            return in.nextDouble();
        }
    }
}
