package ai.lutboost.engine;

import ai.lutboost.engine.BundleSchema.OpType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table bundle loaded for inference: the accelerator's integer datapath in plain Java.
 *
 * <p>{@link #load} checks everything before any op runs: the manifest's own SHA-256, the format
 * version, every file's size against the manifest (before reading it) and its SHA-256, every
 * shape, every value's range, and that no accumulator can overflow. A bundle that fails any check
 * is refused with a {@link BundleFormatException} naming the file and the mismatch.
 */
public final class LutModel {


    private static final int MAX_ELEMENTS = 1 << 26;
    /**
     * The most samples a worker runs op by op together: long rows of samples for the LUT layers'
     * loops, within {@link #WORKSPACE_INTS} for all of a block's tensors.
     */
    private static final int MAX_BLOCK = 64;
    private static final int WORKSPACE_INTS = 1 << 21;
    private static final int MAX_OPS = 10_000;
    private static final int ACC_BITS = 32;

    private final List<String> tensorNames;
    private final int[][] tensorShapes;
    private final int[] tensorSizes;
    private final int[] tensorBits;
    private final int[] tensorFractionBits;
    private final List<EngineOp> ops;
    private final List<LayerSummary> summaries;
    private final int output;
    private final List<String> labels;
    private final Map<String, Object> provenance;
    private final float[] mean;
    private final float[] std;
    private final int[][] goldenInputs;
    private final int[][] goldenLogits;
    private final int[] goldenLabels;
    private final int blockCapacity;
    /** Which ops compute one token when logits are all that is wanted. */
    private final TokenPlan plan;
    private final ThreadLocal<Workspace> workspaces;

    private LutModel(Loader l) {
        tensorNames = List.copyOf(l.names);
        tensorShapes = l.shapes.toArray(new int[0][]);
        tensorSizes = l.shapes.stream().mapToInt(LutModel::size).toArray();
        tensorBits = l.bits.stream().mapToInt(Integer::intValue).toArray();
        tensorFractionBits = l.fractions.stream().mapToInt(Integer::intValue).toArray();
        ops = List.copyOf(l.ops);
        plan = TokenPlan.of(ops, l.shapes, l.output);
        List<LayerSummary> listed = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            LayerSummary s = l.summaries.get(i);
            listed.add(plan.token(i) == TokenPlan.ALL ? s : new LayerSummary(s.name(), s.kind(), s.detail()
                    + "; token " + plan.token(i) + " alone", s.outputFormat(), s.bytes(), s.bitsPerActivation()));
        }
        summaries = List.copyOf(listed);
        output = l.output;
        labels = List.copyOf(l.labels);
        provenance = Collections.unmodifiableMap(l.provenance);
        mean = l.mean;
        std = l.std;
        goldenInputs = l.goldenInputs;
        goldenLogits = l.goldenLogits;
        goldenLabels = l.goldenLabels;
        long sampleInts = java.util.Arrays.stream(tensorSizes).asLongStream().sum();
        blockCapacity = (int) Math.max(1, Math.min(MAX_BLOCK, WORKSPACE_INTS / sampleInts));
        workspaces = ThreadLocal.withInitial(() -> new Workspace(tensorSizes, ops, plan, blockCapacity));
    }

    /**
     * Loads and checks a bundle.
     *
     * @param path a bundle directory or a {@code .lutb} file
     * @return the model
     * @throws BundleFormatException naming the file and the mismatch when any check fails
     */
    public static LutModel load(Path path) throws BundleFormatException {
        try (BundleFiles files = BundleFiles.open(path)) {
            return new LutModel(new Loader(files).load());
        }
    }

    /**
     * Returns the input shape.
     *
     * @return e.g. {@code [1, 28, 28]}
     */
    public int[] inputShape() {
        return tensorShapes[0].clone();
    }

    /**
     * Returns the number of input elements per sample.
     *
     * @return the product of the input shape
     */
    public int inputSize() {
        return size(tensorShapes[0]);
    }

    /**
     * Returns the class names.
     *
     * @return labels by class index
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Returns the manifest's record of the model's origin.
     *
     * @return {@code recipe}, {@code seed}, {@code dataset} and {@code producer} as read
     */
    public Map<String, Object> provenance() {
        return provenance;
    }

    /**
     * Returns the ops as {@code inspect} lists them.
     *
     * @return one summary per op, in execution order
     */
    public List<LayerSummary> layers() {
        return summaries;
    }

    /**
     * Returns the input's fixed-point fraction bits.
     *
     * @return {@code f} in {@code real = q 2^-f}
     */
    public int inputFractionBits() {
        return tensorFractionBits[0];
    }

    /**
     * Quantizes a normalized float input as the training-side simulation does:
     * {@code sat(floor(x 2^f + 1/2))}.
     *
     * @param x one sample, {@link #inputSize()} values
     * @return its integers
     */
    public int[] quantize(float[] x) {
        checkLength(x.length);
        int f = tensorFractionBits[0];
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double scaled = Math.floor(Math.scalb((double) x[i], f) + 0.5);
            q[i] = (int) FixedPoint.saturate((long) Math.max(Math.min(scaled, 1L << 40), -(1L << 40)), tensorBits[0]);
        }
        return q;
    }

    /**
     * Normalizes an image's pixels as the model was trained, {@code (pixel / 255 - mean) / std}
     * per channel in float32 with the mean and std the manifest records, then quantizes it.
     *
     * @param pixels {@code [C][H][W]} values from 0 to 255
     * @return its integers
     * @throws IllegalStateException if the bundle records no normalization
     */
    public int[] quantizeImage(float[] pixels) {
        checkLength(pixels.length);
        if (mean == null) {
            throw new IllegalStateException("the bundle records no dataset mean and std; normalize the image and call"
                    + " quantize(float[])");
        }
        int plane = pixels.length / mean.length;
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            int c = i / plane;
            x[i] = (pixels[i] / 255f - mean[c]) / std[c];
        }
        return quantize(x);
    }

    /**
     * Says which loops LUT layers run: {@code "vector"} when the JVM resolved
     * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}), else
     * {@code "scalar"}. Both give the same logits; the vector loops are several times faster.
     *
     * @return {@code "vector"} or {@code "scalar"}
     */
    public static String lutLoops() {
        return VectorSupport.loops();
    }

    /**
     * Computes the logits of images given as pixels, normalized as in training.
     *
     * @param images one {@code [C][H][W]} row of values from 0 to 255 per image
     * @param threads worker threads, at least 1
     * @return one row of logits per image, in input order
     */
    public int[][] predictImages(float[][] images, int threads) {
        int[][] inputs = new int[images.length][];
        for (int i = 0; i < images.length; i++) {
            inputs[i] = quantizeImage(images[i]);
        }
        return predict(inputs, threads);
    }

    /**
     * Computes the logits of one quantized sample.
     *
     * @param input {@link #inputSize()} integers in the input format
     * @return the logit integers
     */
    public int[] predict(int[] input) {
        return predict(new int[][] {input}, 1)[0];
    }

    /**
     * Computes the logits of one normalized float sample.
     *
     * @param x {@link #inputSize()} values
     * @return the logit integers
     */
    public int[] predict(float[] x) {
        return predict(quantize(x));
    }

    /**
     * Computes the logits of many quantized samples, on several threads when asked. Safe to call
     * from many threads at once; the logits are the same for any number of threads.
     *
     * <p>Samples run in blocks, each block on one thread and op by op, as many blocks as threads
     * when the batch allows; each thread keeps its buffers for this model, so a call allocates
     * little beyond its results. With more than one thread the calling thread and helpers kept
     * between calls ({@link WorkerTeam}) take the blocks in turn.
     *
     * @param inputs one row of {@link #inputSize()} integers per sample
     * @param threads worker threads, at least 1
     * @return one row of logits per sample, in input order
     */
    public int[][] predict(int[][] inputs, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        for (int[] input : inputs) {
            checkLength(input.length);
        }
        int[][] out = new int[inputs.length][];
        int block = Math.max(1, Math.min(blockCapacity, (inputs.length + threads - 1) / threads));
        int blocks = (inputs.length + block - 1) / block;
        if (threads == 1 || blocks < 2) {
            for (int b = 0; b < blocks; b++) {
                runBlock(inputs, out, b * block, block);
            }
            return out;
        }
        WorkerTeam.run(Math.min(threads, blocks), blocks, b -> runBlock(inputs, out, b * block, block));
        return out;
    }

    private void runBlock(int[][] inputs, int[][] out, int from, int block) {
        Workspace w = workspaces.get();
        int samples = Math.min(block, inputs.length - from);
        int in = tensorSizes[0];
        for (int s = 0; s < samples; s++) {
            System.arraycopy(inputs[from + s], 0, w.tensors[0], s * in, in);
        }
        w.run(samples);
        int size = tensorSizes[output];
        for (int s = 0; s < samples; s++) {
            out[from + s] = java.util.Arrays.copyOfRange(w.tensors[output], s * size, (s + 1) * size);
        }
    }

    /**
     * The predicted class: the index of the largest logit, the lowest index on ties.
     *
     * @param logits the logits
     * @return the class index
     */
    public static int argmax(int[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Runs one sample and returns every tensor, for finding where a hardware run departs.
     *
     * @param input the quantized input
     * @return tensor name to its integers ({@code [C][H][W]} flattened), in execution order
     */
    public Map<String, int[]> trace(int[] input) {
        checkLength(input.length);
        Workspace w = new Workspace(tensorSizes, ops, null, 1);
        System.arraycopy(input, 0, w.tensors[0], 0, input.length);
        w.run(1);
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i < w.tensors.length; i++) {
            out.put(tensorNames.get(i), w.tensors[i]);
        }
        return out;
    }

    /**
     * Returns the bundle's golden input vectors.
     *
     * @return one row of input integers per golden sample
     */
    public int[][] goldenInputs() {
        return deepCopy(goldenInputs);
    }

    /**
     * Returns the bundle's golden logits, computed at export by the integer simulation.
     *
     * @return one row per golden sample
     */
    public int[][] goldenLogits() {
        return deepCopy(goldenLogits);
    }

    /**
     * Returns the golden samples' true labels.
     *
     * @return one class index per golden sample
     */
    public int[] goldenLabels() {
        return goldenLabels.clone();
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private void checkLength(int length) {
        if (length != inputSize()) {
            throw new IllegalArgumentException("input has " + length + " values, the model takes " + inputSize());
        }
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    /** Reads and checks a bundle; kept apart so that a half-checked model never escapes. */
    private static final class Loader {
        final BundleFiles files;
        final List<String> names = new ArrayList<>();
        final List<int[]> shapes = new ArrayList<>();
        final List<Integer> bits = new ArrayList<>();
        final List<Integer> fractions = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
        final List<EngineOp> ops = new ArrayList<>();
        final List<LayerSummary> summaries = new ArrayList<>();
        final Map<String, Object> provenance = new LinkedHashMap<>();
        float[] mean;
        float[] std;
        final Set<String> used = new HashSet<>();
        Map<String, String> sha = new HashMap<>();
        List<String> labels;
        int output;
        int[][] goldenInputs;
        int[][] goldenLogits;
        int[] goldenLabels;

        Loader(BundleFiles files) {
            this.files = files;
        }

        Loader load() throws BundleFormatException {
            byte[] manifestBytes = files.read(ManifestObject.FILE, -BundleFiles.MAX_MANIFEST_BYTES);
            String expected = new String(files.read("manifest.sha256", -256), StandardCharsets.US_ASCII).trim();
            String actual = BundleFiles.sha256(manifestBytes);
            if (expected.length() < 64 || !expected.substring(0, 64).equals(actual)) {
                throw new BundleFormatException(ManifestObject.FILE, "SHA-256 is " + actual
                        + " but manifest.sha256 records " + (expected.length() < 64 ? "'" + expected + "'"
                        : expected.substring(0, 64)) + " (the manifest was altered or truncated)");
            }
            ManifestObject m = new ManifestObject(
                    Json.parse(new String(manifestBytes, StandardCharsets.UTF_8), ManifestObject.FILE), "");
            if (!"lutboost-bundle".equals(m.has("format") ? m.raw().get("format") : null)) {
                throw new BundleFormatException(ManifestObject.FILE, "format must be \"lutboost-bundle\"");
            }
            long version = m.integer("formatVersion", Long.MIN_VALUE, Long.MAX_VALUE);
            if (version != BundleSchema.FORMAT_VERSION) {
                throw new BundleFormatException(ManifestObject.FILE, "unknown format version " + version
                        + "; this engine reads version " + BundleSchema.FORMAT_VERSION);
            }
            ManifestObject fileList = m.object("files");
            for (Map.Entry<String, Object> e : fileList.raw().entrySet()) {
                if (!(e.getValue() instanceof String s) || !s.matches("[0-9a-f]{64}")) {
                    throw new BundleFormatException(ManifestObject.FILE, "files." + e.getKey()
                            + " must be a SHA-256 in 64 lowercase hex digits");
                }
                sha.put(e.getKey(), (String) e.getValue());
            }
            for (String key : List.of("producer", "recipe", "seed", "dataset")) {
                if (m.has(key)) {
                    provenance.put(key, m.raw().get(key));
                }
            }
            readTensors(m);
            readNormalization(m);
            readOps(m);
            String outName = m.string("output");
            if (!index.containsKey(outName) || index.get(outName) != names.size() - 1) {
                throw new BundleFormatException(ManifestObject.FILE, "output \"" + outName
                        + "\" must be the last op's output tensor");
            }
            output = index.get(outName);
            labels = m.strings("labels", MAX_ELEMENTS);
            if (labels.size() != size(shapes.get(output))) {
                throw new BundleFormatException(ManifestObject.FILE, labels.size() + " labels for "
                        + size(shapes.get(output)) + " logits");
            }
            readGolden(m.object("golden"));
            for (String f : sha.keySet()) {
                if (!used.contains(f)) {
                    verified(f, -(64L << 20));
                }
            }
            return this;
        }

        void readTensors(ManifestObject m) throws BundleFormatException {
            List<Object> list = m.list("tensors", MAX_OPS + 1);
            for (int i = 0; i < list.size(); i++) {
                ManifestObject t = new ManifestObject(list.get(i), "tensors[" + i + "]");
                String name = t.string("name");
                if (index.containsKey(name)) {
                    throw new BundleFormatException(ManifestObject.FILE, t.where("name") + " \"" + name
                            + "\" is declared twice");
                }
                int[] shape = t.ints("shape", -1, 1, MAX_ELEMENTS);
                if (shape.length < 1 || shape.length > 3) {
                    throw new BundleFormatException(ManifestObject.FILE, t.where("shape") + " must have 1 to 3 axes");
                }
                long elements = 1;
                for (int d : shape) {
                    elements *= d;
                    if (elements > MAX_ELEMENTS) {
                        throw new BundleFormatException(ManifestObject.FILE, t.where("shape")
                                + " has more than " + MAX_ELEMENTS + " elements");
                    }
                }
                index.put(name, names.size());
                names.add(name);
                shapes.add(shape);
                bits.add(t.integer("bits", 2, 16));
                fractions.add(t.integer("fractionBits", -32, 48));
            }
            if (names.isEmpty() || !names.get(0).equals(m.string("input"))) {
                throw new BundleFormatException(ManifestObject.FILE, "input must name the first tensor");
            }
        }

        /** The dataset's per-channel mean and std, when the manifest records them (every exported bundle does). */
        void readNormalization(ManifestObject m) throws BundleFormatException {
            if (!m.has("dataset") || !(m.raw().get("dataset") instanceof Map<?, ?>)) {
                return;
            }
            ManifestObject d = m.object("dataset");
            if (!d.has("mean") || !d.has("std")) {
                return;
            }
            int channels = shapes.get(0).length == 3 ? shapes.get(0)[0] : 1;
            mean = d.floats("mean", channels);
            std = d.floats("std", channels);
            for (float s : std) {
                if (!(s > 0)) {
                    throw new BundleFormatException(ManifestObject.FILE, d.where("std") + " must be positive, got " + s);
                }
            }
        }

        void readOps(ManifestObject m) throws BundleFormatException {
            List<Object> list = m.list("ops", MAX_OPS);
            if (list.size() != names.size() - 1) {
                throw new BundleFormatException(ManifestObject.FILE, list.size() + " ops for " + names.size()
                        + " tensors; each op writes one tensor after the input");
            }
            for (int i = 0; i < list.size(); i++) {
                ManifestObject o = new ManifestObject(list.get(i), "ops[" + i + "]");
                String kind = o.string("op");
                OpType type = OpType.of(kind);
                if (type == null) {
                    throw new BundleFormatException(ManifestObject.FILE, o.where("op") + " \"" + kind
                            + "\" is not an op of format version " + BundleSchema.FORMAT_VERSION);
                }
                String name = o.string("name");
                String out = o.string("output");
                if (!out.equals(names.get(i + 1))) {
                    throw new BundleFormatException(ManifestObject.FILE, o.where("output") + " is \"" + out
                            + "\", expected tensor " + (i + 1) + " \"" + names.get(i + 1) + "\"");
                }
                List<String> ins = o.strings("inputs", 3);
                int[] in = new int[ins.size()];
                for (int j = 0; j < in.length; j++) {
                    Integer t = index.get(ins.get(j));
                    if (t == null || t > i) {
                        throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + "[" + j + "] \""
                                + ins.get(j) + "\" is not a tensor written before this op");
                    }
                    in[j] = t;
                }
                if (in.length != type.operands()) {
                    throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + " has " + in.length
                            + " entries, " + kind + " takes " + type.operands());
                }
                int outIndex = i + 1;
                switch (type) {
                    case LUT_LINEAR, LUT_CONV2D -> readLut(o, name, type, in[0], outIndex);
                    case LINEAR, CONV2D -> readDense(o, name, type, in[0], outIndex);
                    case MAXPOOL2D -> readMaxPool(o, name, in[0], outIndex);
                    case GLOBAL_AVGPOOL2D -> readAvgPool(o, name, in[0], outIndex);
                    case ADD -> readAdd(o, name, in, outIndex);
                    case TOKENS -> readTokens(o, name, in[0], outIndex);
                    case LAYER_NORM -> readLayerNorm(o, name, in[0], outIndex);
                    case ATTENTION -> readAttention(o, name, in, outIndex);
                    case GELU -> readGelu(o, name, in[0], outIndex);
                    case SELECT_TOKEN -> readSelectToken(o, name, in[0], outIndex);
                }
            }
        }

        Patches patches(ManifestObject o, OpType type, int in, int out, int units)
                throws BundleFormatException {
            if (!type.isConv()) {
                int[] inShape = shapes.get(in);
                int[] expected = inShape.length == 2 ? new int[] {inShape[0], units} : new int[] {units};
                if (!java.util.Arrays.equals(shapes.get(out), expected)) {
                    throw shapeError(o, out, expected);
                }
                return null;
            }
            int[] shape = shapes.get(in);
            if (shape.length != 3) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": a conv takes a"
                        + " [C, H, W] tensor, got " + java.util.Arrays.toString(shape));
            }
            Patches p = new Patches(shape, o.ints("kernel", 2, 1, 64), o.ints("stride", 2, 1, 64),
                    o.ints("padding", 2, 0, 64), o.ints("dilation", 2, 1, 64));
            if (p.outHeight < 1 || p.outWidth < 1) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("kernel") + " does not fit the input "
                        + java.util.Arrays.toString(shape));
            }
            int[] expected = {units, p.outHeight, p.outWidth};
            if (!java.util.Arrays.equals(shapes.get(out), expected)) {
                throw shapeError(o, out, expected);
            }
            return p;
        }

        BundleFormatException shapeError(ManifestObject o, int out, int[] expected) {
            return new BundleFormatException(ManifestObject.FILE, o.where("output") + " tensor \"" + names.get(out)
                    + "\" has shape " + java.util.Arrays.toString(shapes.get(out)) + ", the op computes "
                    + java.util.Arrays.toString(expected));
        }

        int inputLength(ManifestObject o, Patches p, int in) throws BundleFormatException {
            int d = o.integer("inputLength", 1, MAX_ELEMENTS);
            int[] shape = shapes.get(in);
            int expected = p != null ? p.length() : shape.length == 2 ? shape[1] : size(shape);
            if (d != expected) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputLength") + " is " + d
                        + " but the input gives " + expected);
            }
            if (bits.get(in) > 16) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": layer inputs have"
                        + " at most 16 bits");
            }
            return d;
        }

        void readLut(ManifestObject o, String name, OpType type, int in, int out)
                throws BundleFormatException {
            int units = o.integer("units", 1, 1 << 16);
            Patches p = patches(o, type, in, out, units);
            int d = inputLength(o, p, in);
            int v = o.integer("v", 1, 1 << 10);
            int k = o.integer("k", 2, 1 << 16);
            int c = o.integer("codebooks", 1, MAX_ELEMENTS);
            if (c != (d + v - 1) / v) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("codebooks") + " is " + c
                        + ", expected ceil(" + d + " / " + v + ") = " + (d + v - 1) / v);
            }
            String metricName = o.string("metric");
            int metric = switch (metricName) {
                case "l2" -> LutLayer.L2;
                case "l1" -> LutLayer.L1;
                case "chebyshev" -> LutLayer.CHEBYSHEV;
                default -> throw new BundleFormatException(ManifestObject.FILE, o.where("metric") + " \""
                        + metricName + "\" is not l2, l1 or chebyshev");
            };
            int tableBits = o.integer("tableBits", 2, 16);
            int[] shift = o.ints("outputShift", units, -30, 62);
            boolean relu = o.bool("relu");
            int inBits = bits.get(in);
            int[] centroids = ints(o, "centroids", elements(o, c, k, v), inBits);
            int[] table = ints(o, "table", elements(o, c, k, units), tableBits);
            int[] bias = ints(o, "bias", units, 32);
            for (int n = 0; n < units; n++) {
                checkAccumulator(o, n, bias[n], (long) c << (tableBits - 1));
            }
            ops.add(new LutLayer(name, in, out, p, d, size(shapes.get(in)), c, k, v, units, metric, inBits, centroids,
                    tableBits, table, bias, shift, bits.get(out), relu));
            long bytes = (long) c * k * units * width(tableBits) + (long) c * k * v * width(inBits) + 4L * units;
            summaries.add(new LayerSummary(name, type.manifestName(), "C=" + c + " K=" + k + " v=" + v + " "
                    + metricName + " table int" + tableBits + (relu ? " relu" : ""), format(out), bytes,
                    (Math.log(k) / Math.log(2)) / v));
        }

        void readDense(ManifestObject o, String name, OpType type, int in, int out)
                throws BundleFormatException {
            int units = o.integer("units", 1, 1 << 16);
            Patches p = patches(o, type, in, out, units);
            int d = inputLength(o, p, in);
            int weightBits = o.integer("weightBits", 2, 16);
            int[] shift = o.ints("outputShift", units, -30, 62);
            boolean relu = o.bool("relu");
            int[] weights = ints(o, "weights", elements(o, units, d, 1), weightBits);
            int[] bias = ints(o, "bias", units, 32);
            for (int n = 0; n < units; n++) {
                checkAccumulator(o, n, bias[n], (long) d << (bits.get(in) - 1 + weightBits - 1));
            }
            ops.add(new DenseLayer(name, in, out, p, d, size(shapes.get(in)), units, weights, bias, shift,
                    bits.get(out), relu));
            long bytes = (long) units * d * width(weightBits) + 4L * units;
            summaries.add(new LayerSummary(name, type.manifestName(), "D=" + d + " N=" + units + " weights int"
                    + weightBits + (relu ? " relu" : ""), format(out), bytes, bits.get(in)));
        }

        void readMaxPool(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            int[] kernel = o.ints("kernel", 2, 1, 64);
            int[] stride = o.ints("stride", 2, 1, 64);
            int[] shape = shapes.get(in);
            if (shape.length != 3 || shape[1] < kernel[0] || shape[2] < kernel[1]) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("kernel") + " does not fit the input "
                        + java.util.Arrays.toString(shape));
            }
            int[] expected = {shape[0], (shape[1] - kernel[0]) / stride[0] + 1, (shape[2] - kernel[1]) / stride[1] + 1};
            if (!java.util.Arrays.equals(shapes.get(out), expected)) {
                throw shapeError(o, out, expected);
            }
            sameFormat(o, in, out);
            ops.add(new MaxPool(name, in, out, shape, kernel, stride));
            summaries.add(new LayerSummary(name, OpType.MAXPOOL2D.manifestName(), kernel[0] + "x" + kernel[1]
                    + " stride " + stride[0] + "x" + stride[1], format(out), 0, 0));
        }

        void readAvgPool(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            int[] shape = shapes.get(in);
            if (shape.length != 3) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": global average pooling"
                        + " takes a [C, H, W] tensor");
            }
            if (!java.util.Arrays.equals(shapes.get(out), new int[] {shape[0]})) {
                throw shapeError(o, out, new int[] {shape[0]});
            }
            int multiplier = o.integer("multiplier", 1, (1 << 16) - 1);
            int shift = o.integer("shift", 0, 62);
            ops.add(new GlobalAvgPool(name, in, out, shape, multiplier, shift, bits.get(out)));
            summaries.add(new LayerSummary(name, OpType.GLOBAL_AVGPOOL2D.manifestName(), "x" + multiplier + " >> "
                    + shift, format(out), 0, 0));
        }

        void readAdd(ManifestObject o, String name, int[] in, int out) throws BundleFormatException {
            for (int t : in) {
                if (!java.util.Arrays.equals(shapes.get(t), shapes.get(out))) {
                    throw shapeError(o, out, shapes.get(t));
                }
            }
            int left = o.integer("leftShift", -30, 30);
            int right = o.integer("rightShift", -30, 30);
            boolean relu = o.bool("relu");
            ops.add(new ResidualAdd(name, in[0], in[1], out, size(shapes.get(out)), left, right, bits.get(out), relu));
            summaries.add(new LayerSummary(name, OpType.ADD.manifestName(), names.get(in[0]) + " + " + names.get(in[1])
                    + (relu ? " relu" : ""), format(out), 0, 0));
        }

        void readTokens(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            int[] shape = shapes.get(in);
            if (shape.length != 3) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": tokens are formed from a"
                        + " [D, H, W] patch embedding, got " + java.util.Arrays.toString(shape));
            }
            boolean cls = o.bool("classToken");
            int[] expected = {shape[1] * shape[2] + (cls ? 1 : 0), shape[0]};
            if (!java.util.Arrays.equals(shapes.get(out), expected)) {
                throw shapeError(o, out, expected);
            }
            int shift = o.integer("shift", -30, 62);
            int[] embedding = ints(o, "embedding", elements(o, expected[0], expected[1], 1), bits.get(out));
            ops.add(new TokenEmbedding(name, in, out, shape[0], shape[1] * shape[2], shift, cls, embedding,
                    bits.get(out)));
            summaries.add(new LayerSummary(name, OpType.TOKENS.manifestName(), expected[0] + " tokens of " + expected[1]
                    + (cls ? ", class token first" : ""), format(out), 2L * embedding.length, 0));
        }

        /**
         * Its integers stay below {@code 2^63} when {@code D^3 2^(2 bits) < 2^62}: the centred
         * values are below {@code D 2^bits}, their squares' sum below that bound, and the
         * centred values times {@code 2^12} below it too.
         */
        void readLayerNorm(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            int[] shape = shapes.get(in);
            if (shape.length > 2 || !java.util.Arrays.equals(shapes.get(out), shape)) {
                throw shapeError(o, out, shape);
            }
            int d = shape[shape.length - 1];
            int inBits = bits.get(in);
            if (3 * (32 - Integer.numberOfLeadingZeros(d)) + 2 * inBits > 61) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": " + d + " entries of "
                        + inBits + " bits can overflow the 64-bit variance sum");
            }
            long epsilon = o.integer("epsilon", 1L, 1L << 40);
            int fGamma = o.integer("gammaFractionBits", -16, 40);
            int fOut = fractions.get(out);
            int shift = TransformerArithmetic.NORM_FRACTION + fGamma - fOut;
            if (shift < -30 || shift > 62) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("gammaFractionBits") + " " + fGamma
                        + " and the output's " + fOut + " fraction bits give a shift of " + shift
                        + ", outside [-30, 62]");
            }
            int[] gamma = ints(o, "gamma", d, 16);
            int[] beta = ints(o, "beta", d, 32);
            ops.add(new LayerNormalization(name, in, out, size(shape), d, epsilon, gamma, fGamma, beta, fOut, bits.get(out)));
            summaries.add(new LayerSummary(name, OpType.LAYER_NORM.manifestName(), "D=" + d + " gamma int16",
                    format(out), 6L * d, 0));
        }

        void readAttention(ManifestObject o, String name, int[] in, int out) throws BundleFormatException {
            int[] shape = shapes.get(in[0]);
            for (int t : in) {
                if (shape.length != 2 || !java.util.Arrays.equals(shapes.get(t), shape)) {
                    throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": queries, keys and"
                            + " values must be token sequences [T, D] of one shape");
                }
                if (bits.get(t) > 8) {
                    throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": attention operands"
                            + " have at most 8 bits, \"" + names.get(t) + "\" has " + bits.get(t));
                }
            }
            if (!java.util.Arrays.equals(shapes.get(out), shape)) {
                throw shapeError(o, out, shape);
            }
            int heads = o.integer("heads", 1, shape[1]);
            if (shape[1] % heads != 0 || shape[1] / heads > 1024) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("heads") + " " + heads + " must divide"
                        + " the width " + shape[1] + " into heads of at most 1024");
            }
            int multiplier = o.integer("multiplier", 1, 1 << 17);
            int scoreFraction = o.integer("scoreFractionBits", 0, 62);
            int shift = o.integer("outputShift", -30, 62);
            ops.add(new SelfAttention(name, in[0], in[1], in[2], out, shape[0], shape[1], heads, multiplier,
                    scoreFraction, shift, bits.get(out)));
            summaries.add(new LayerSummary(name, OpType.ATTENTION.manifestName(), heads + " heads, scores x"
                    + multiplier + " at 2^-" + scoreFraction + ", softmax uint8", format(out), 0, 0));
        }

        void readGelu(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            if (!java.util.Arrays.equals(shapes.get(out), shapes.get(in))) {
                throw shapeError(o, out, shapes.get(in));
            }
            int fIn = fractions.get(in);
            int fOut = fractions.get(out);
            if (fIn < -30 || fOut < -14 || fOut > 47) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("output") + ": GELU takes inputs with"
                        + " at least -30 fraction bits and gives outputs with -14 to 47; got " + fIn + " and " + fOut);
            }
            ops.add(new Gelu(name, in, out, size(shapes.get(in)), fIn, fOut, bits.get(out)));
            summaries.add(new LayerSummary(name, OpType.GELU.manifestName(), "integer polynomial", format(out), 0, 0));
        }

        void readSelectToken(ManifestObject o, String name, int in, int out) throws BundleFormatException {
            int[] shape = shapes.get(in);
            if (shape.length != 2) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("inputs") + ": a token is selected from"
                        + " a [T, D] sequence, got " + java.util.Arrays.toString(shape));
            }
            int token = o.integer("token", 0, shape[0] - 1);
            if (!java.util.Arrays.equals(shapes.get(out), new int[] {shape[1]})) {
                throw shapeError(o, out, new int[] {shape[1]});
            }
            sameFormat(o, in, out);
            ops.add(new SelectToken(name, in, out, shape[0], token, shape[1]));
            summaries.add(new LayerSummary(name, OpType.SELECT_TOKEN.manifestName(), "token " + token, format(out),
                    0, 0));
        }

        void sameFormat(ManifestObject o, int in, int out) throws BundleFormatException {
            if (!bits.get(in).equals(bits.get(out)) || !fractions.get(in).equals(fractions.get(out))) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("output") + ": " + o.string("op")
                        + " keeps its input's format " + format(in) + ", the manifest gives " + format(out));
            }
        }

        void checkAccumulator(ManifestObject o, int column, long bias, long largestSum) throws BundleFormatException {
            if (Math.abs(bias) + largestSum > (1L << (ACC_BITS - 1)) - 1) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("bias") + "[" + column + "] = " + bias
                        + " plus the largest possible sum " + largestSum + " could overflow the 32-bit accumulator");
            }
        }

        String format(int tensor) {
            return "fixed<" + bits.get(tensor) + "," + (bits.get(tensor) - fractions.get(tensor)) + ">";
        }

        static int elements(ManifestObject o, long a, long b, long c) throws BundleFormatException {
            long n = a * b * c;
            if (n > MAX_ELEMENTS) {
                throw new BundleFormatException(ManifestObject.FILE, o.where("name") + ": " + a + " x " + b + " x "
                        + c + " values exceed " + MAX_ELEMENTS);
            }
            return (int) n;
        }

        static int width(int bits) {
            return bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
        }

        /** Reads a file of {@code count} little-endian signed integers of {@code bits} bits each. */
        int[] ints(ManifestObject o, String key, int count, int bits) throws BundleFormatException {
            String file = o.string(key);
            int w = width(bits);
            byte[] data = verified(file, (long) count * w);
            ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            int[] out = new int[count];
            long min = -(1L << (bits - 1));
            long max = (1L << (bits - 1)) - 1;
            for (int i = 0; i < count; i++) {
                int value = w == 1 ? buf.get() : w == 2 ? buf.getShort() : buf.getInt();
                if (value < min || value > max) {
                    throw new BundleFormatException(file, "value " + i + " is " + value + ", outside the " + bits
                            + "-bit range [" + min + ", " + max + "] given by " + o.where(key));
                }
                out[i] = value;
            }
            return out;
        }

        byte[] verified(String file, long size) throws BundleFormatException {
            String expected = sha.get(file);
            if (expected == null) {
                throw new BundleFormatException(ManifestObject.FILE, "files has no SHA-256 for " + file);
            }
            byte[] data = files.read(file, size);
            String actual = BundleFiles.sha256(data);
            if (!actual.equals(expected)) {
                throw new BundleFormatException(file, "SHA-256 is " + actual + ", the manifest records " + expected);
            }
            used.add(file);
            return data;
        }

        void readGolden(ManifestObject g) throws BundleFormatException {
            int samples = g.integer("samples", 0, 1 << 20);
            int inputs = size(shapes.get(0));
            int classes = size(shapes.get(output));
            int[] in = ints(g, "inputs", elements(g, samples, inputs, 1), bits.get(0));
            int[] logits = ints(g, "logits", elements(g, samples, classes, 1), 32);
            goldenLabels = ints(g, "labels", samples, 32);
            goldenInputs = new int[samples][];
            goldenLogits = new int[samples][];
            for (int s = 0; s < samples; s++) {
                goldenInputs[s] = java.util.Arrays.copyOfRange(in, s * inputs, (s + 1) * inputs);
                goldenLogits[s] = java.util.Arrays.copyOfRange(logits, s * classes, (s + 1) * classes);
            }
        }
    }
}
