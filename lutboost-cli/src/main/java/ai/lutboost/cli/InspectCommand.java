package ai.lutboost.cli;

import ai.lutboost.engine.LayerSummary;
import ai.lutboost.engine.LutModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lutboost inspect}: what a bundle holds. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        header = "Summarize a bundle: layers, formats, sizes, equivalent bits.",
        description = {"Loads the bundle with all its checks and prints one line per op."})
final class InspectCommand extends BaseCommand {

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "The bundle (directory or .lutb).")
    Path bundle;

    @Override
    boolean computes() {
        return false;
    }

    @Override
    protected int doCall() throws Exception {
        LutModel m = LutModel.load(bundle);
        PrintWriter out = out();
        Object recipe = m.provenance().get("recipe");
        out.printf(Locale.ROOT, "bundle    %s (all SHA-256 checked)%n", bundle);
        if (recipe instanceof Map<?, ?> r) {
            out.printf(Locale.ROOT, "recipe    %s (SHA-256 %s)%n", r.get("name"), r.get("sha256"));
        }
        out.printf(Locale.ROOT, "input     %s, fixed-point 2^-%d%n", Arrays.toString(m.inputShape()),
                m.inputFractionBits());
        out.printf(Locale.ROOT, "classes   %d: %s%n", m.labels().size(), String.join(", ", m.labels()));
        int width = Math.max(40, m.layers().stream().mapToInt(s -> s.detail().length()).max().orElse(0));
        String row = "%-28s %-17s %-" + width + "s %-12s ";
        out.printf(Locale.ROOT, row + "%10s %6s%n", "op", "kind", "detail", "output", "bytes", "bits");
        long total = 0;
        for (LayerSummary s : m.layers()) {
            out.printf(Locale.ROOT, row + "%,10d %6s%n", s.name(), s.kind(), s.detail(),
                    s.outputFormat(), s.bytes(), s.bitsPerActivation() == 0 ? "" : String.format(Locale.ROOT, "%.2f",
                            s.bitsPerActivation()));
            total += s.bytes();
        }
        out.printf(Locale.ROOT, "total parameter memory %,d bytes%n", total);
        out.flush();
        return ExitCodes.OK;
    }
}
