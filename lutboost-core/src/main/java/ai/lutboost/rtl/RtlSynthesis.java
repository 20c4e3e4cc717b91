package ai.lutboost.rtl;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Synthesizes a generated layer with Yosys into generic gates ({@code synth}, then
 * {@code techmap}) and counts them. Memories stay memories ({@code $mem_v2} cells, counted apart
 * by their bits): they are the tables and centroids a chip keeps in SRAM, and mapping them to
 * flip-flops would measure the wrong thing.
 */
public final class RtlSynthesis {

    private static final Pattern CELL = Pattern.compile("^\\s+(\\$\\S+)\\s+(\\d+)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("Number of cells:\\s+(\\d+)");

    /**
     * A layer's gate count.
     *
     * @param layer the layer
     * @param logicCells generic cells other than memories: gates, multiplexers, flip-flops
     * @param flipFlops of those, the flip-flops
     * @param memories memory cells (tables, centroids, biases, shifts)
     * @param cells every cell type with its count
     */
    public record Result(String layer, long logicCells, long flipFlops, long memories, Map<String, Long> cells) {}

    private RtlSynthesis() {}

    /**
     * Returns whether Yosys is installed.
     *
     * @return whether {@code yosys -V} runs
     */
    public static boolean available() {
        return RtlSimulation.runs("yosys", "-V");
    }

    /**
     * Synthesizes one layer written by {@link RtlGenerator}, with a bundle or for synthesis alone.
     *
     * @param root the generator's output directory
     * @param layer the layer's name
     * @return its cells
     * @throws LutBoostException if Yosys is missing or fails
     */
    public static Result run(Path root, String layer) throws LutBoostException {
        Path dir = root.resolve(layer);
        String top = "layer_" + Testbench.moduleName(layer);
        String script = String.join("\n",
                "read_verilog -defer " + top + ".v ../lut_layer.v ../lut_ccm.v ../lut_imm.v",
                "hierarchy -top " + top,
                "synth -top " + top + " -flatten -run begin:fine",
                "opt -fast",
                "techmap",
                "opt -fast",
                "stat",
                "");
        List<String> log;
        try {
            Files.writeString(dir.resolve("synth.ys"), script, StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder("yosys", "-q", "-l", "synth.log", "synth.ys").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new LutBoostException("yosys failed on " + layer + ": " + text.strip());
            }
            log = Files.readAllLines(dir.resolve("synth.log"));
        } catch (IOException e) {
            throw new LutBoostException("cannot run yosys: " + e.getMessage() + "; install it (apt-get install yosys)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LutBoostException("interrupted while running yosys", e);
        }
        Map<String, Long> cells = new LinkedHashMap<>();
        long total = -1;
        for (String line : log) {
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                total = Long.parseLong(t.group(1));
                cells.clear();
            }
            Matcher c = CELL.matcher(line);
            if (total >= 0 && c.find()) {
                cells.put(c.group(1), Long.parseLong(c.group(2)));
            }
        }
        if (total < 0) {
            throw new LutBoostException("yosys printed no statistics for " + layer + "; see " + dir.resolve(
                    "synth.log"));
        }
        long memories = cells.entrySet().stream().filter(e -> e.getKey().startsWith("$mem")).mapToLong(
                Map.Entry::getValue).sum();
        long flipFlops = cells.entrySet().stream().filter(e -> e.getKey().contains("DFF")).mapToLong(
                Map.Entry::getValue).sum();
        return new Result(layer, total - memories, flipFlops, memories, cells);
    }
}
