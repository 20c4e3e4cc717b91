package ai.lutboost.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.ParseResult;

/**
 * Other LUTBoost processes on this machine. PyTorch gives each process a thread per core, and
 * two processes on the same cores slowed each other several-fold here (docs/measurements.md,
 * "Two jobs at once"); a command started beside another says so at once rather than leave its user to wonder
 * at its speed or to trust timings taken meanwhile.
 */
final class CoreSharing {

    /** What marks a JVM as the CLI: its jar on the command line, or its main class. */
    private static final String[] MARKS = {"lutboost-cli.jar", "ai.lutboost.cli.Main"};

    private CoreSharing() {}

    /**
     * Prints the warning before a command that computes, unless it was asked to be quiet or only
     * for help.
     *
     * @param parsed the parsed command line
     * @param err where the warning goes
     * @param warning the warning for the processes running now, or null ({@link #warning()})
     */
    static void warnBefore(ParseResult parsed, PrintStream err, Supplier<String> warning) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (last.isUsageHelpRequested() || last.isVersionHelpRequested()
                || !(last.commandSpec().userObject() instanceof BaseCommand command)
                || !command.computes() || command.common.quiet) {
            return;
        }
        String line = warning.get();
        if (line != null) {
            err.println(line);
            err.flush();
        }
    }

    /**
     * The warning for the processes running now, or null if no other LUTBoost process runs.
     *
     * @return one line, or null
     */
    static String warning() {
        Map<Long, String> commandLines = new TreeMap<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(c -> commandLines.put(p.pid(), c)));
        return warning(ProcessHandle.current().pid(), commandLines, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The warning for given processes.
     *
     * @param self this process's id, which is not counted
     * @param commandLines every visible process's command line by process id
     * @param cores the cores this JVM sees
     * @return one line naming the others by process id and subcommand, or null if there are none
     */
    static String warning(long self, Map<Long, String> commandLines, int cores) {
        Map<Long, String> others = new TreeMap<>();
        commandLines.forEach((pid, line) -> {
            int start = pid == self ? -1 : argumentsStart(line);
            if (start >= 0) {
                others.put(pid, line.substring(start).trim());
            }
        });
        if (others.isEmpty()) {
            return null;
        }
        String which = others.entrySet().stream()
                .map(e -> "pid " + e.getKey() + (e.getValue().isEmpty() ? "" : ": " + e.getValue()))
                .collect(Collectors.joining("; "));
        return String.format(Locale.ROOT, "lutboost: %s running (%s); on %d cores each runs several times slower while"
                        + " both compute, and timings taken meanwhile mean little",
                others.size() == 1 ? "another LUTBoost process is" : others.size() + " other LUTBoost processes are",
                which, cores);
    }

    /**
     * Where a LUTBoost JVM's own arguments start, or -1 for any other process: its program must be
     * {@code java} itself, not a wrapper such as {@code time} or {@code timeout} that names it in
     * its arguments.
     */
    private static int argumentsStart(String commandLine) {
        String program = commandLine.strip().split("\\s+", 2)[0];
        if (!program.equals("java") && !program.endsWith("/java")) {
            return -1;
        }
        for (String mark : MARKS) {
            int at = commandLine.indexOf(mark);
            if (at >= 0) {
                int end = commandLine.indexOf(' ', at);
                return end < 0 ? commandLine.length() : end + 1;
            }
        }
        return -1;
    }
}
