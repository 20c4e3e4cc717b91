package ai.lutboost.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of commands that run a recipe. */
final class RecipeOptions {

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Where checkpoints, metrics and reports go (default: runs/<recipe name>).")
    Path output;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Dataset directory, tried before LUTBOOST_DATA, /usr/share/datasets and"
                    + " ~/.lutboost/datasets.")
    Path dataDir;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output directory.")
    boolean resume;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a recipe setting, e.g. --set train.epochs=2 (repeatable).")
    List<String> overrides = new ArrayList<>();
}
