package ai.lutboost.cli;

import ai.lutboost.LutBoostException;
import ai.lutboost.rtl.RtlGenerator;
import ai.lutboost.rtl.RtlSimulation;
import ai.lutboost.rtl.RtlSynthesis;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lutboost rtl}: Verilog for a bundle's LUT layers, and their simulation against the engine. */
@Command(
        name = "rtl",
        mixinStandardHelpOptions = true,
        header = "Write synthesizable Verilog for a bundle's LUT layers, with testbenches.",
        description = {"Writes lut_ccm.v (nearest centroid), lut_imm.v (table lookup and accumulate) and lut_layer.v"
                + " (the streaming layer) once, and per LUT layer a directory with its memory images, the rows the"
                + " Java engine computes on the bundle's golden samples, and a testbench that compares every output"
                + " with them (docs/hardware.md). --simulate runs each testbench in Icarus Verilog. The other ops of"
                + " the graph stay in the engine."})
final class RtlCommand extends BaseCommand {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "The output directory, written whole or not at all (replaced if it exists).")
    Path output;

    @Option(names = "--centroids-per-cycle", paramLabel = "P", defaultValue = "1",
            description = "Centroids each layer compares per cycle; must divide every layer's K (default:"
                    + " ${DEFAULT-VALUE}).")
    int centroidsPerCycle;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "256",
            description = "Golden samples whose rows feed the testbenches (default: ${DEFAULT-VALUE}, all).")
    int samples;

    @Option(names = "--simulate", description = "Run every testbench with iverilog and vvp; exit 1 on a mismatch.")
    boolean simulate;

    @Option(names = "--synthesize", description = "Synthesize every layer with Yosys into generic gates and print the"
            + " cell counts (memories kept as memories).")
    boolean synthesize;

    @Override
    protected int doCall() throws Exception {
        PrintWriter out = out();
        List<RtlGenerator.Layer> layers = RtlGenerator.generate(bundle, output, centroidsPerCycle, samples);
        for (RtlGenerator.Layer l : layers) {
            out.printf(Locale.ROOT, "rtl %-24s %s, %d rows -> %s%n", l.name(), l.description(), l.rows(), l.directory());
        }
        out.flush();
        if (synthesize) {
            if (!RtlSynthesis.available()) {
                throw new LutBoostException("--synthesize needs Yosys: apt-get install yosys");
            }
            for (RtlGenerator.Layer l : layers) {
                RtlSynthesis.Result r = RtlSynthesis.run(output, l.name());
                out.printf(Locale.ROOT, "synth %s: %d logic cells (%d flip-flops), %d memories%n", r.layer(),
                        r.logicCells(), r.flipFlops(), r.memories());
                out.flush();
            }
        }
        if (!simulate) {
            return ExitCodes.OK;
        }
        if (!RtlSimulation.available()) {
            throw new LutBoostException("--simulate needs Icarus Verilog: apt-get install iverilog");
        }
        boolean all = true;
        for (RtlGenerator.Layer l : layers) {
            RtlSimulation.Result r = RtlSimulation.run(output, l);
            out.printf(Locale.ROOT, "rtl %s: %d/%d identical, %d cycles per row%n", r.layer(), r.identical(), r.rows(),
                    r.cyclesPerRow());
            r.output().stream().filter(line -> line.startsWith("first mismatch")).forEach(out::println);
            out.flush();
            all &= r.identical() == r.rows();
        }
        return all ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
