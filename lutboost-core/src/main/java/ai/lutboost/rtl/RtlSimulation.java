package ai.lutboost.rtl;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a generated layer's testbench in Icarus Verilog ({@code iverilog}, {@code vvp}). */
public final class RtlSimulation {

    private static final Pattern RESULT = Pattern.compile("rtl (\\S+): (\\d+)/(\\d+) identical");
    private static final Pattern CYCLES = Pattern.compile("cycles per row: (\\d+)");

    /**
     * A layer's simulation.
     *
     * @param layer the layer
     * @param identical rows whose every output equals the engine's
     * @param rows rows simulated
     * @param cyclesPerRow measured cycles per row, or -1 if the run did not finish
     * @param output what the simulator printed
     */
    public record Result(String layer, int identical, int rows, long cyclesPerRow, List<String> output) {}

    private RtlSimulation() {}

    /**
     * Returns whether Icarus Verilog is installed.
     *
     * @return whether {@code iverilog} and {@code vvp} run
     */
    public static boolean available() {
        return runs("iverilog", "-V") && runs("vvp", "-V");
    }

    /**
     * Compiles and runs one layer's testbench.
     *
     * @param root the generator's output directory (the modules)
     * @param layer the layer written there
     * @return the comparison
     * @throws LutBoostException if the simulator is missing or fails
     */
    public static Result run(Path root, RtlGenerator.Layer layer) throws LutBoostException {
        Path dir = root.resolve(layer.name());
        String tb = "tb_" + Testbench.moduleName(layer.name()) + ".v";
        List<String> compile = new ArrayList<>(List.of("iverilog", "-g2005", "-Wall", "-o", "sim.vvp", tb,
                "layer_" + Testbench.moduleName(layer.name()) + ".v"));
        for (String module : RtlGenerator.MODULES) {
            compile.add(root.resolve(module).toAbsolutePath().toString());
        }
        exec(dir, compile);
        List<String> output = exec(dir, List.of("vvp", "-n", "sim.vvp"));
        int identical = -1;
        int rows = -1;
        long cycles = -1;
        for (String line : output) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) {
                identical = Integer.parseInt(m.group(2));
                rows = Integer.parseInt(m.group(3));
            }
            Matcher c = CYCLES.matcher(line);
            if (c.find()) {
                cycles = Long.parseLong(c.group(1));
            }
        }
        if (rows < 0) {
            throw new LutBoostException("simulation of " + layer.name() + " printed no result: " + output);
        }
        return new Result(layer.name(), identical, rows, cycles, output);
    }

    private static List<String> exec(Path dir, List<String> command) throws LutBoostException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            List<String> lines = text.lines().toList();
            if (code != 0) {
                throw new LutBoostException(command.get(0) + " failed in " + dir + " (exit " + code + "): "
                        + String.join("\n", lines));
            }
            return lines;
        } catch (IOException e) {
            throw new LutBoostException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + "; install Icarus Verilog (apt-get install iverilog)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LutBoostException("interrupted while running " + command.get(0), e);
        }
    }

    /** Whether a command runs and exits with 0: how the tools' presence is checked. */
    static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
