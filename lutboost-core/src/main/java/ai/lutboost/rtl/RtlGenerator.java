package ai.lutboost.rtl;

import ai.lutboost.LutBoostException;
import ai.lutboost.engine.BundleFormatException;
import ai.lutboost.engine.LutModel;
import ai.lutboost.export.TableBundleReader;
import ai.lutboost.export.TableBundleWriter;
import ai.lutboost.quant.IntegerModel;
import ai.lutboost.quant.IntegerOp;
import ai.lutboost.quant.LutLayerOp;
import ai.lutboost.training.AtomicFiles;
import ai.lutboost.training.OutputPathException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes Verilog for a bundle's LUT layers: the generic modules ({@code lut_ccm.v},
 * {@code lut_imm.v}, {@code lut_layer.v}) once, and per layer a directory with its memory images
 * (the bundle's {@code hw/} words), the rows the engine computed on the golden samples, and a
 * testbench that compares the layer's outputs with them. The rest of the graph stays in the engine.
 */
public final class RtlGenerator {

    static final String[] MODULES = {"lut_ccm.v", "lut_imm.v", "lut_layer.v"};
    /** Widths the modules are written for: inputs and tables of up to 16 bits, outputs of up to 32. */
    static final int MAX_IN_BITS = 16;
    static final int MAX_TABLE_BITS = 16;
    static final int MAX_OUT_BITS = 32;
    /** Memory words per layer that a simulator and a synthesis run handle in reasonable time. */
    static final long MAX_WORDS = 1L << 24;

    /**
     * What was written for one layer.
     *
     * @param name the layer
     * @param directory its directory: testbench, memory images, vectors
     * @param rows rows in its vectors
     * @param codebooks {@code C}
     * @param k centroids per codebook
     * @param units {@code N}
     * @param description v, K, C, N, metric and widths, for messages
     */
    public record Layer(String name, Path directory, int rows, int codebooks, int k, int units, String description) {}

    private RtlGenerator() {}

    /**
     * Generates the Verilog and the testbenches.
     *
     * @param bundle the bundle
     * @param target the output directory; written whole or not at all
     * @param centroidsPerCycle centroids each layer's CCM compares per cycle, a divisor of every K
     * @param samples golden samples whose rows feed the testbenches, at most the bundle's
     * @return one entry per LUT layer
     * @throws RtlException if the bundle has no LUT layer, or one beyond the generator's limits
     * @throws BundleFormatException if the bundle is not valid
     * @throws LutBoostException if the output cannot be written
     */
    public static List<Layer> generate(Path bundle, Path target, int centroidsPerCycle, int samples)
            throws RtlException, BundleFormatException, LutBoostException {
        IntegerModel model = TableBundleReader.read(bundle).model();
        List<LutLayerOp> layers = new ArrayList<>();
        for (IntegerOp op : model.ops()) {
            if (op instanceof LutLayerOp l) {
                check(model, l, centroidsPerCycle);
                layers.add(l);
            }
        }
        if (layers.isEmpty()) {
            throw new RtlException(bundle + ": the bundle has no LUT layer (lut_linear or lut_conv2d) to generate");
        }
        if (samples < 1) {
            throw new RtlException("--samples must be at least 1, got " + samples);
        }
        LutModel engine = LutModel.load(bundle);
        int[][] golden = engine.goldenInputs();
        int count = Math.min(samples, golden.length);
        Path temp = null;
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
            copyModules(temp);
            List<Map<String, int[]>> traces = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                traces.add(engine.trace(golden[s]));
            }
            List<Layer> out = new ArrayList<>();
            for (LutLayerOp l : layers) {
                out.add(writeLayer(model, l, traces, centroidsPerCycle, temp, target));
            }
            if (Files.exists(target)) {
                AtomicFiles.deleteTree(target);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return out;
        } catch (IOException e) {
            throw OutputPathException.of("rtl output " + target, e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    private static void check(IntegerModel model, LutLayerOp l, int perCycle) throws RtlException {
        check("op " + l.name() + " (" + l.kind().manifestName() + ")", model.tensor(l.input()).format().bits(),
                l.tableBits(), model.tensor(l.output()).format().bits(), l.k(), perCycle,
                (long) l.codebooks() * l.k() * Math.max(l.units(), l.v()));
    }

    private static void check(String where, int inBits, int tableBits, int outBits, int k, int perCycle, long words)
            throws RtlException {
        if (inBits > MAX_IN_BITS) {
            throw new RtlException(where + ": " + inBits + "-bit inputs; the generator handles at most " + MAX_IN_BITS);
        }
        if (tableBits > MAX_TABLE_BITS) {
            throw new RtlException(where + ": " + tableBits + "-bit tables; the generator handles at most "
                    + MAX_TABLE_BITS);
        }
        if (outBits > MAX_OUT_BITS) {
            throw new RtlException(where + ": " + outBits + "-bit outputs; the generator handles at most "
                    + MAX_OUT_BITS);
        }
        if (perCycle < 1 || k % perCycle != 0) {
            throw new RtlException(where + ": --centroids-per-cycle " + perCycle + " must divide K = " + k);
        }
        if (words > MAX_WORDS) {
            throw new RtlException(where + ": " + words + " table words; the generator handles at most " + MAX_WORDS);
        }
    }

    private static Layer writeLayer(IntegerModel model, LutLayerOp l, List<Map<String, int[]>> traces, int perCycle,
            Path root, Path target) throws IOException {
        Path dir = root.resolve(l.name());
        Files.createDirectories(dir);
        int inBits = model.tensor(l.input()).format().bits();
        int outBits = model.tensor(l.output()).format().bits();
        int[] inputShape = model.tensor(l.input()).shape();
        List<int[]> inputs = new ArrayList<>();
        List<int[]> outputs = new ArrayList<>();
        for (Map<String, int[]> t : traces) {
            inputs.addAll(List.of(LayerVectors.rows(l, inputShape, t.get(l.input()))));
            outputs.addAll(List.of(LayerVectors.outputs(l, t.get(l.output()))));
        }
        String name = l.name();
        LayerParameters p = new LayerParameters(name, l.v(), l.k(), l.codebooks(), l.units(), inBits, l.tableBits(),
                outBits, l.metric(), perCycle, l.relu());
        writeMemories(dir, name, l.centroids(), inBits, l.table(), l.tableBits(), l.bias(), l.outputShift());
        write(dir, name + ".inputs.mem", TableBundleWriter.memText(flatten(inputs), inBits));
        write(dir, name + ".expected.mem", TableBundleWriter.memText(flatten(outputs), outBits));
        write(dir, "layer_" + Testbench.moduleName(name) + ".v", Testbench.wrapper(p));
        write(dir, "tb_" + Testbench.moduleName(name) + ".v", Testbench.text(p, inputs.size()));
        return new Layer(name, target.resolve(name), inputs.size(), l.codebooks(), l.k(), l.units(), p.description());
    }

    /**
     * Writes one layer's design for synthesis alone: the generic modules in {@code root} and, in
     * {@code root/<name>}, the layer's module with memory images of seeded pseudo-random words.
     * Yosys keeps memories as memory cells whatever they hold, but folds logic fed by constant
     * words, so the images must not be constant; the logic it keeps does not depend on their values.
     *
     * @param p the layer's parameters
     * @param root the directory
     * @param seed the seed of the memory words
     * @throws RtlException if the parameters are beyond the generator's limits
     * @throws LutBoostException if a file cannot be written
     */
    public static void writeForSynthesis(LayerParameters p, Path root, long seed) throws RtlException,
            LutBoostException {
        String where = "layer " + p.name() + " (" + p.description() + ")";
        check(where, p.inBits(), p.tableBits(), p.outBits(), p.k(), p.centroidsPerCycle(),
                (long) p.codebooks() * p.k() * Math.max(p.units(), p.v()));
        Random random = new Random(seed);
        try {
            Path dir = root.resolve(p.name());
            Files.createDirectories(dir);
            copyModules(root);
            int[] centroids = random.ints((long) p.codebooks() * p.k() * p.v(), -(1 << (p.inBits() - 1)),
                    1 << (p.inBits() - 1)).toArray();
            int[] table = random.ints((long) p.codebooks() * p.k() * p.units(), -(1 << (p.tableBits() - 1)),
                    1 << (p.tableBits() - 1)).toArray();
            int[] bias = random.ints(p.units(), -(1 << 20), 1 << 20).toArray();
            int[] shift = random.ints(p.units(), 0, 16).toArray();
            writeMemories(dir, p.name(), centroids, p.inBits(), table, p.tableBits(), bias, shift);
            write(dir, "layer_" + Testbench.moduleName(p.name()) + ".v", Testbench.wrapper(p));
        } catch (IOException e) {
            throw OutputPathException.of("rtl output " + root, e);
        }
    }

    /** Copies the generic modules, which every layer's module instantiates, into a directory. */
    private static void copyModules(Path dir) throws IOException {
        for (String module : MODULES) {
            try (InputStream in = RtlGenerator.class.getResourceAsStream(module)) {
                Files.copy(in, dir.resolve(module), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void writeMemories(Path dir, String name, int[] centroids, int inBits, int[] table, int tableBits,
            int[] bias, int[] shift) throws IOException {
        write(dir, name + ".centroids.mem", TableBundleWriter.memText(centroids, inBits));
        write(dir, name + ".table.mem", TableBundleWriter.memText(table, tableBits));
        write(dir, name + ".bias.mem", TableBundleWriter.memText(bias, 32));
        write(dir, name + ".shift.mem", TableBundleWriter.memText(shift, TableBundleWriter.SHIFT_BITS));
    }

    private static int[] flatten(List<int[]> rows) {
        return rows.stream().flatMapToInt(Arrays::stream).toArray();
    }

    private static void write(Path dir, String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text, StandardCharsets.US_ASCII);
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            // The temporary directory is hidden beside the target; a failed clean-up leaves only it.
        }
    }
}
