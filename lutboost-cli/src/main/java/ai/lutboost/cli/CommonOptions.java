package ai.lutboost.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes (each mixes them in, so they may follow the subcommand). */
final class CommonOptions {

    @Option(
            names = {"-x", "--verbose"},
            description = "Print stack traces with errors, and more detail.")
    boolean verbose;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only results and errors: no progress bars.")
    boolean quiet;
}
