package ai.lutboost.export;

import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.BundleSchema;
import ai.lutboost.engine.BundleSchema.OpType;
import ai.lutboost.engine.LutModel;
import ai.lutboost.layer.Metric;
import ai.lutboost.quant.AddOp;
import ai.lutboost.quant.AttentionOp;
import ai.lutboost.quant.ConvGeometry;
import ai.lutboost.quant.DenseLayerOp;
import ai.lutboost.quant.FixedPointFormat;
import ai.lutboost.quant.GeluOp;
import ai.lutboost.quant.GlobalAvgPoolOp;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerOp;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.quant.LayerNormOp;
import ai.lutboost.quant.LutLayerOp;
import ai.lutboost.quant.MaxPoolOp;
import ai.lutboost.quant.SelectTokenOp;
import ai.lutboost.quant.TokenEmbedOp;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a table bundle back into an {@link IntegerModel}, for the training-side integer
 * simulation. It checks the manifest's and every file's SHA-256 and the format version; the full
 * structural checks are the engine's ({@link LutModel#load}), which {@code lutboost verify} runs
 * first. Parsing is written apart from the engine's so that the two sides of a verification share
 * no code that could hide a mistake.
 */
public final class TableBundleReader {

    private static final long MAX_BUNDLE_BYTES = 1L << 30;

    private final Map<String, byte[]> files;

    private TableBundleReader(Map<String, byte[]> files) {
        this.files = files;
    }

    /**
     * Reads a bundle.
     *
     * @param path a bundle directory or {@code .lutb} file
     * @return the integer model, with the bundle's golden vectors
     * @throws BundleFormatException naming the file and the mismatch
     */
    public static Bundle read(Path path) throws BundleFormatException {
        Map<String, byte[]> files = load(path);
        try {
            return new TableBundleReader(files).parse();
        } catch (IllegalStateException | ClassCastException | NullPointerException | IllegalArgumentException
                | IndexOutOfBoundsException | UnsupportedOperationException e) {
            throw new BundleFormatException("manifest.json", "malformed: " + e.getMessage(), e);
        }
    }

    /**
     * A bundle read back.
     *
     * @param model the integer model
     * @param golden the golden vectors
     */
    public record Bundle(IntegerModel model, GoldenVectors golden) {}

    private static Map<String, byte[]> load(Path path) throws BundleFormatException {
        Map<String, byte[]> files = new HashMap<>();
        long total = 0;
        try {
            if (Files.isDirectory(path)) {
                try (var s = Files.walk(path)) {
                    for (Path p : s.filter(Files::isRegularFile).toList()) {
                        total += Files.size(p);
                        if (total > MAX_BUNDLE_BYTES) {
                            throw new BundleFormatException(path.toString(), "more than 1 GiB of files");
                        }
                        files.put(path.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
            } else {
                try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(path))) {
                    ZipEntry e;
                    while ((e = zip.getNextEntry()) != null) {
                        byte[] data = zip.readNBytes(
                                (int) Math.min(MAX_BUNDLE_BYTES - total + 1, Integer.MAX_VALUE - 8));
                        total += data.length;
                        if (total > MAX_BUNDLE_BYTES) {
                            throw new BundleFormatException(path.toString(), "more than 1 GiB of files");
                        }
                        files.put(e.getName(), data);
                    }
                }
            }
        } catch (BundleFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BundleFormatException(path.toString(), "cannot be read: " + e.getMessage(), e);
        }
        return files;
    }

    private byte[] file(String name) throws BundleFormatException {
        byte[] data = files.get(name);
        if (data == null) {
            throw new BundleFormatException(name, "missing from the bundle");
        }
        return data;
    }

    private Bundle parse() throws BundleFormatException {
        byte[] manifest = file("manifest.json");
        String recorded = new String(file("manifest.sha256"), StandardCharsets.US_ASCII).trim();
        if (!recorded.startsWith(TableBundleWriter.sha256(manifest))) {
            throw new BundleFormatException("manifest.json", "SHA-256 differs from manifest.sha256");
        }
        JsonObject m;
        try {
            m = JsonParser.parseString(new String(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new BundleFormatException("manifest.json", "not valid JSON: " + e.getMessage(), e);
        }
        int version = m.get("formatVersion").getAsInt();
        if (version != BundleSchema.FORMAT_VERSION) {
            throw new BundleFormatException("manifest.json", "unknown format version " + version + "; expected "
                    + BundleSchema.FORMAT_VERSION);
        }
        for (Map.Entry<String, JsonElement> e : m.getAsJsonObject("files").entrySet()) {
            String actual = TableBundleWriter.sha256(file(e.getKey()));
            if (!actual.equals(e.getValue().getAsString())) {
                throw new BundleFormatException(e.getKey(), "SHA-256 is " + actual + ", the manifest records "
                        + e.getValue().getAsString());
            }
        }
        List<IntegerTensor> tensors = new ArrayList<>();
        Map<String, IntegerTensor> byName = new HashMap<>();
        for (JsonElement el : m.getAsJsonArray("tensors")) {
            JsonObject t = el.getAsJsonObject();
            IntegerTensor tensor = new IntegerTensor(t.get("name").getAsString(), ints(t.getAsJsonArray("shape")),
                    new FixedPointFormat(t.get("bits").getAsInt(), t.get("fractionBits").getAsInt(), true));
            tensors.add(tensor);
            byName.put(tensor.name(), tensor);
        }
        List<IntegerOp> ops = new ArrayList<>();
        for (JsonElement el : m.getAsJsonArray("ops")) {
            ops.add(op(el.getAsJsonObject(), byName));
        }
        JsonObject recipe = m.getAsJsonObject("recipe");
        JsonObject dataset = m.getAsJsonObject("dataset");
        List<String> labels = new ArrayList<>();
        m.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
        IntegerModel.Provenance provenance = new IntegerModel.Provenance(recipe.get("name").getAsString(),
                recipe.get("yaml").getAsString(), recipe.get("sha256").getAsString(), m.get("seed").getAsLong(),
                dataset.get("name").getAsString(), floats(dataset.getAsJsonArray("mean")),
                floats(dataset.getAsJsonArray("std")), labels);
        IntegerModel model = new IntegerModel(tensors, ops, m.get("input").getAsString(),
                m.get("output").getAsString(), provenance);
        JsonObject g = m.getAsJsonObject("golden");
        int samples = g.get("samples").getAsInt();
        IntegerTensor in = byName.get(model.input());
        int[] inputs = unpack(file(g.get("inputs").getAsString()), in.format().bits());
        int[] logits = unpack(file(g.get("logits").getAsString()), 32);
        int[] goldLabels = unpack(file(g.get("labels").getAsString()), 32);
        int classes = byName.get(model.output()).size();
        int[][] gi = new int[samples][];
        long[][] gl = new long[samples][classes];
        for (int s = 0; s < samples; s++) {
            gi[s] = java.util.Arrays.copyOfRange(inputs, s * in.size(), (s + 1) * in.size());
            for (int c = 0; c < classes; c++) {
                gl[s][c] = logits[s * classes + c];
            }
        }
        return new Bundle(model, new GoldenVectors(gi, gl, goldLabels));
    }

    private IntegerOp op(JsonObject o, Map<String, IntegerTensor> tensors) throws BundleFormatException {
        String kind = o.get("op").getAsString();
        String name = o.get("name").getAsString();
        JsonArray inputs = o.getAsJsonArray("inputs");
        String input = inputs.get(0).getAsString();
        String output = o.get("output").getAsString();
        OpType type = OpType.of(kind);
        if (type == null) {
            throw new BundleFormatException("manifest.json", "unknown op \"" + kind + "\" in " + name);
        }
        return switch (type) {
            case LUT_LINEAR, LUT_CONV2D -> {
                int bits = tensors.get(input).format().bits();
                yield new LutLayerOp(name, input, output, geometry(o), o.get("inputLength").getAsInt(),
                        o.get("codebooks").getAsInt(), o.get("k").getAsInt(), o.get("v").getAsInt(),
                        o.get("units").getAsInt(), Metric.parse(o.get("metric").getAsString()),
                        o.get("tableBits").getAsInt(), unpack(file(o.get("centroids").getAsString()), bits),
                        unpack(file(o.get("table").getAsString()), o.get("tableBits").getAsInt()),
                        unpack(file(o.get("bias").getAsString()), 32), ints(o.getAsJsonArray("outputShift")),
                        o.get("relu").getAsBoolean());
            }
            case LINEAR, CONV2D -> {
                yield new DenseLayerOp(name, input, output, geometry(o), o.get("inputLength").getAsInt(),
                        o.get("units").getAsInt(), o.get("weightBits").getAsInt(),
                        unpack(file(o.get("weights").getAsString()), o.get("weightBits").getAsInt()),
                        unpack(file(o.get("bias").getAsString()), 32), ints(o.getAsJsonArray("outputShift")),
                        o.get("relu").getAsBoolean());
            }
            case MAXPOOL2D -> {
                yield new MaxPoolOp(name, input, output, ints(o.getAsJsonArray("kernel")),
                        ints(o.getAsJsonArray("stride")));
            }
            case GLOBAL_AVGPOOL2D -> {
                yield new GlobalAvgPoolOp(name, input, output, o.get("multiplier").getAsInt(),
                        o.get("shift").getAsInt());
            }
            case ADD -> {
                yield new AddOp(name, input, inputs.get(1).getAsString(), output, o.get("leftShift").getAsInt(),
                        o.get("rightShift").getAsInt(), o.get("relu").getAsBoolean());
            }
            case TOKENS -> {
                yield new TokenEmbedOp(name, input, output, o.get("shift").getAsInt(),
                        o.get("classToken").getAsBoolean(),
                        unpack(file(o.get("embedding").getAsString()), tensors.get(output).format().bits()));
            }
            case LAYER_NORM -> {
                yield new LayerNormOp(name, input, output, o.get("epsilon").getAsLong(),
                        unpack(file(o.get("gamma").getAsString()), LayerNormOp.GAMMA_BITS),
                        o.get("gammaFractionBits").getAsInt(), unpack(file(o.get("beta").getAsString()), 32));
            }
            case ATTENTION -> {
                yield new AttentionOp(name, input, inputs.get(1).getAsString(), inputs.get(2).getAsString(), output,
                        o.get("heads").getAsInt(), o.get("multiplier").getAsInt(),
                        o.get("scoreFractionBits").getAsInt(), o.get("outputShift").getAsInt());
            }
            case GELU -> {
                yield new GeluOp(name, input, output);
            }
            case SELECT_TOKEN -> {
                yield new SelectTokenOp(name, input, output, o.get("token").getAsInt());
            }
        };
    }

    private static ConvGeometry geometry(JsonObject o) {
        if (!o.has("kernel")) {
            return null;
        }
        return new ConvGeometry(ints(o.getAsJsonArray("kernel")), ints(o.getAsJsonArray("stride")),
                ints(o.getAsJsonArray("padding")), ints(o.getAsJsonArray("dilation")));
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    private static int[] unpack(byte[] data, int bits) {
        int w = bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[data.length / w];
        for (int i = 0; i < out.length; i++) {
            out[i] = w == 1 ? buf.get() : w == 2 ? buf.getShort() : buf.getInt();
        }
        return out;
    }
}
