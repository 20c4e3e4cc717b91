package ai.lutboost.export;

import ai.lutboost.engine.BundleSchema;
import ai.lutboost.quant.AddOp;
import ai.lutboost.quant.AttentionOp;
import ai.lutboost.quant.ConvGeometry;
import ai.lutboost.quant.DenseLayerOp;
import ai.lutboost.quant.GlobalAvgPoolOp;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerOp;
import ai.lutboost.quant.IntegerTensor;
import ai.lutboost.quant.LayerNormOp;
import ai.lutboost.quant.LutLayerOp;
import ai.lutboost.quant.MaxPoolOp;
import ai.lutboost.quant.SelectTokenOp;
import ai.lutboost.quant.TokenEmbedOp;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import ai.lutboost.training.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a table bundle (DESIGN §6) as a directory, or as one {@code .lutb} zip when the target's
 * name ends so. The bundle is assembled in memory, written next to the target and moved into
 * place, so a crash leaves either the old bundle or the new one; files are written in sorted
 * order with fixed timestamps, so the same model gives byte-identical bundles.
 */
public final class TableBundleWriter {

    /** Width of a per-column shift in {@code hw/<layer>.shift.mem}: shifts lie well inside -62..62. */
    public static final int SHIFT_BITS = 8;

    /** The producer recorded in manifests. */
    public static final String PRODUCER = "lutboost 0.1.0";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private TableBundleWriter() {}

    /**
     * Checks that a bundle can be written at a path, before the work of computing it: its parent
     * directory exists or can be made, and what is there already is a bundle to replace.
     *
     * @param target a directory, or a file ending in {@code .lutb}
     * @throws IOException naming the path at fault ({@link java.nio.file.FileSystemException}s
     *     when the path is)
     */
    public static void checkTarget(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        boolean zip = target.getFileName().toString().endsWith(".lutb");
        boolean replaceable = zip ? !Files.isDirectory(target) : Files.isRegularFile(target.resolve("manifest.json"));
        if (Files.exists(target) && !replaceable) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a bundle; choose another"
                    + " --bundle path");
        }
    }

    /**
     * Writes a bundle.
     *
     * @param model the integer model
     * @param golden test vectors computed by the integer simulation
     * @param target a directory path, or a file path ending in {@code .lutb}
     * @return the target
     * @throws IOException if it cannot be written
     */
    public static Path write(IntegerModel model, GoldenVectors golden, Path target) throws IOException {
        checkTarget(target);
        Map<String, byte[]> files = files(model, golden);
        Path parent = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        if (name.endsWith(".lutb")) {
            Path tmp = Files.createTempFile(parent, "." + name, ".tmp");
            try {
                try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                    long time = LocalDateTime.of(1980, 1, 1, 0, 0).atZone(ZoneId.systemDefault()).toInstant()
                            .toEpochMilli();
                    for (Map.Entry<String, byte[]> f : files.entrySet()) {
                        ZipEntry e = new ZipEntry(f.getKey());
                        e.setTime(time);
                        zip.putNextEntry(e);
                        zip.write(f.getValue());
                        zip.closeEntry();
                    }
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        }
        Path tmp = Files.createTempDirectory(parent, "." + name + ".");
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = tmp.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                try (OutputStream out = Files.newOutputStream(p)) {
                    out.write(f.getValue());
                }
            }
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + name + ".old.");
                Files.move(target, old.resolve("bundle"), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                AtomicFiles.deleteTree(old);
            }
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        return target;
    }

    /**
     * Builds every file of the bundle.
     *
     * @param model the integer model
     * @param golden the golden vectors
     * @return path inside the bundle to contents, sorted by path
     */
    public static Map<String, byte[]> files(IntegerModel model, GoldenVectors golden) {
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, IntegerTensor> tensors = model.tensorsByName();
        List<Object> ops = new ArrayList<>();
        for (IntegerOp op : model.ops()) {
            ops.add(describe(op, tensors, files));
        }
        IntegerTensor input = tensors.get(model.input());
        files.put("golden/inputs.bin", pack(flatten(golden.inputs()), input.format().bits()));
        files.put("golden/logits.bin", pack(flattenLongs(golden.logits()), 32));
        files.put("golden/labels.bin", pack(golden.labels(), 32));
        mem(files, "golden/inputs.mem", flatten(golden.inputs()), input.format().bits());
        mem(files, "golden/logits.mem", flattenLongs(golden.logits()), tensors.get(model.output()).format().bits());
        files.put("golden/README", goldenReadme(model, golden).getBytes(StandardCharsets.UTF_8));

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "lutboost-bundle");
        m.put("formatVersion", BundleSchema.FORMAT_VERSION);
        m.put("producer", PRODUCER);
        IntegerModel.Provenance p = model.provenance();
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("name", p.recipeName());
        recipe.put("sha256", p.recipeSha256());
        recipe.put("yaml", p.recipeYaml());
        m.put("recipe", recipe);
        m.put("seed", p.seed());
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", p.dataset());
        dataset.put("normalization", "(pixel / 255 - mean) / std, per channel, in float32");
        dataset.put("mean", p.mean());
        dataset.put("std", p.std());
        m.put("dataset", dataset);
        m.put("labels", p.labels());
        m.put("input", model.input());
        m.put("output", model.output());
        List<Object> tensorList = new ArrayList<>();
        for (IntegerTensor t : model.tensors()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("shape", t.shape());
            e.put("bits", t.format().bits());
            e.put("fractionBits", t.format().fractionBits());
            e.put("format", t.format().toString());
            tensorList.add(e);
        }
        m.put("tensors", tensorList);
        m.put("ops", ops);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("samples", golden.samples());
        g.put("inputs", "golden/inputs.bin");
        g.put("logits", "golden/logits.bin");
        g.put("labels", "golden/labels.bin");
        m.put("golden", g);
        Map<String, String> sha = new TreeMap<>();
        files.forEach((k, v) -> sha.put(k, sha256(v)));
        m.put("files", sha);
        byte[] manifest = (GSON.toJson(m) + "\n").getBytes(StandardCharsets.UTF_8);
        files.put("manifest.json", manifest);
        files.put("manifest.sha256", (sha256(manifest) + "  manifest.json\n").getBytes(StandardCharsets.US_ASCII));
        return files;
    }

    private static Map<String, Object> describe(IntegerOp op, Map<String, IntegerTensor> tensors,
            Map<String, byte[]> files) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("op", op.kind().manifestName());
        e.put("name", op.name());
        e.put("inputs", op.inputs());
        e.put("output", op.output());
        if (op instanceof LutLayerOp l) {
            geometry(e, l.conv());
            e.put("inputLength", l.inputLength());
            e.put("units", l.units());
            e.put("codebooks", l.codebooks());
            e.put("k", l.k());
            e.put("v", l.v());
            e.put("metric", l.metric().name().toLowerCase(Locale.ROOT));
            e.put("tableBits", l.tableBits());
            e.put("relu", l.relu());
            e.put("outputShift", l.outputShift());
            int inBits = tensors.get(l.input()).format().bits();
            e.put("table", put(files, "tables/" + l.name() + ".bin", l.table(), l.tableBits()));
            e.put("centroids", put(files, "centroids/" + l.name() + ".bin", l.centroids(), inBits));
            e.put("bias", put(files, "bias/" + l.name() + ".bin", l.bias(), 32));
            mem(files, "hw/" + l.name() + ".table.mem", l.table(), l.tableBits());
            mem(files, "hw/" + l.name() + ".centroids.mem", l.centroids(), inBits);
            mem(files, "hw/" + l.name() + ".bias.mem", l.bias(), 32);
            mem(files, "hw/" + l.name() + ".shift.mem", l.outputShift(), SHIFT_BITS);
        } else if (op instanceof DenseLayerOp d) {
            geometry(e, d.conv());
            e.put("inputLength", d.inputLength());
            e.put("units", d.units());
            e.put("weightBits", d.weightBits());
            e.put("relu", d.relu());
            e.put("outputShift", d.outputShift());
            e.put("weights", put(files, "dense/" + d.name() + ".bin", d.weights(), d.weightBits()));
            e.put("bias", put(files, "bias/" + d.name() + ".bin", d.bias(), 32));
            mem(files, "hw/" + d.name() + ".weights.mem", d.weights(), d.weightBits());
            mem(files, "hw/" + d.name() + ".bias.mem", d.bias(), 32);
            mem(files, "hw/" + d.name() + ".shift.mem", d.outputShift(), SHIFT_BITS);
        } else if (op instanceof MaxPoolOp m) {
            e.put("kernel", m.kernel());
            e.put("stride", m.stride());
        } else if (op instanceof GlobalAvgPoolOp a) {
            e.put("multiplier", a.multiplier());
            e.put("shift", a.shift());
        } else if (op instanceof AddOp a) {
            e.put("leftShift", a.leftShift());
            e.put("rightShift", a.rightShift());
            e.put("relu", a.relu());
        } else if (op instanceof TokenEmbedOp t) {
            int bits = tensors.get(t.output()).format().bits();
            e.put("shift", t.shift());
            e.put("classToken", t.classToken());
            e.put("embedding", put(files, "tokens/" + t.name() + ".bin", t.embedding(), bits));
            mem(files, "hw/" + t.name() + ".embedding.mem", t.embedding(), bits);
        } else if (op instanceof LayerNormOp n) {
            e.put("epsilon", n.epsilon());
            e.put("gammaFractionBits", n.gammaFractionBits());
            e.put("gamma", put(files, "norm/" + n.name() + ".gamma.bin", n.gamma(), LayerNormOp.GAMMA_BITS));
            e.put("beta", put(files, "norm/" + n.name() + ".beta.bin", n.beta(), 32));
            mem(files, "hw/" + n.name() + ".gamma.mem", n.gamma(), LayerNormOp.GAMMA_BITS);
            mem(files, "hw/" + n.name() + ".beta.mem", n.beta(), 32);
        } else if (op instanceof AttentionOp a) {
            e.put("heads", a.heads());
            e.put("multiplier", a.multiplier());
            e.put("scoreFractionBits", a.scoreFractionBits());
            e.put("outputShift", a.outputShift());
        } else if (op instanceof SelectTokenOp t) {
            e.put("token", t.token());
        }
        return e;
    }

    private static void geometry(Map<String, Object> e, ConvGeometry g) {
        if (g != null) {
            e.put("kernel", g.kernel());
            e.put("stride", g.stride());
            e.put("padding", g.padding());
            e.put("dilation", g.dilation());
        }
    }

    private static String put(Map<String, byte[]> files, String path, int[] values, int bits) {
        files.put(path, pack(values, bits));
        return path;
    }

    /**
     * Packs integers little-endian in 1, 2 or 4 bytes each: {@code bits} rounded up to 8, 16 or 32.
     *
     * @param values the integers
     * @param bits their width
     * @return the bytes
     */
    static byte[] pack(int[] values, int bits) {
        int w = bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
        ByteBuffer buf = ByteBuffer.allocate(values.length * w).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            if (w == 1) {
                buf.put((byte) v);
            } else if (w == 2) {
                buf.putShort((short) v);
            } else {
                buf.putInt(v);
            }
        }
        return buf.array();
    }

    private static void mem(Map<String, byte[]> files, String path, int[] values, int bits) {
        files.put(path, memText(values, bits).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A {@code $readmemh} image: one word per line in two's complement hex, as many digits as the
     * width needs (docs/datapath.md §9).
     *
     * @param values the values, each within {@code bits} bits
     * @param bits the word width
     * @return the file's text
     */
    public static String memText(int[] values, int bits) {
        int digits = (bits + 3) / 4;
        long mask = (1L << bits) - 1;
        StringBuilder sb = new StringBuilder(values.length * (digits + 1));
        String fmt = "%0" + digits + "x\n";
        for (int v : values) {
            sb.append(String.format(Locale.ROOT, fmt, v & mask));
        }
        return sb.toString();
    }

    private static int[] flatten(int[][] rows) {
        return Stream.of(rows).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static int[] flattenLongs(long[][] rows) {
        return Stream.of(rows).flatMapToLong(java.util.Arrays::stream).mapToInt(Math::toIntExact).toArray();
    }

    private static String goldenReadme(IntegerModel model, GoldenVectors golden) {
        IntegerTensor in = model.tensor(model.input());
        IntegerTensor out = model.tensor(model.output());
        return String.format(Locale.ROOT, """
                Golden test vectors for hardware bring-up
                =========================================
                %d samples, the first of the %s test split.

                inputs.bin  %d samples x %d input integers %s, little-endian signed, %d byte(s) each,
                            in %s order (channel, row, column): the normalized image quantized as
                            sat(floor(x * 2^%d + 1/2)).
                logits.bin  %d samples x %d logits %s, little-endian signed int32, computed by the
                            training-side integer simulation; the engine and the hardware must match
                            them bit for bit.
                labels.bin  %d true class indices, little-endian int32.
                inputs.mem, logits.mem
                            the same inputs and logits for $readmemh: one value per line in
                            two's complement hex, in the width of their formats.

                The predicted class is the index of the largest logit, the lowest index on ties.
                Run the hw/*.mem images through the datapath of docs/datapath.md on inputs.bin and
                compare every logit; 'lutboost verify --bundle <this bundle>' does the same with the
                Java engine and reports the first mismatch with its layer and index.
                """,
                golden.samples(), model.provenance().dataset(), golden.samples(), in.size(), in.format(),
                in.format().bits() <= 8 ? 1 : 2, java.util.Arrays.toString(in.shape()), in.format().fractionBits(),
                golden.samples(), out.size(), out.format(), golden.samples());
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
