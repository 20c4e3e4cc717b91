package ai.lutboost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of commands that run pipeline stages. */
final class StageOptions {

    @Option(names = "--from-stage", paramLabel = "STAGE",
            description = "Redo stages from this one (baseline, kmeans, calibrate, finetune, freeze),"
                    + " starting from the previous stage's checkpoint.")
    String from;

    @Option(names = "--until-stage", paramLabel = "STAGE", defaultValue = "freeze",
            description = "Stop after this stage (default: ${DEFAULT-VALUE}).")
    String until;

    @Option(names = "--baseline", paramLabel = "CKPT",
            description = "Baseline checkpoint to convert (default: <output>/checkpoints/baseline.ckpt).")
    Path baseline;

    String from(String defaultStage) {
        return from != null ? from : defaultStage;
    }

    String until() {
        return until;
    }
}
