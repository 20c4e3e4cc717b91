package ai.lutboost.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code lutboost} command. */
@Command(
        name = "lutboost",
        mixinStandardHelpOptions = true,
        versionProvider = LutBoostCommand.Version.class,
        header = "Turn trained neural networks into lookup-table models.",
        description = "Trains baselines from recipes and converts them into LUT models in stages. "
                + "Exit codes: 0 ok, 1 failure, 2 bad input.",
        subcommands = {
            RunCommand.class,
            TrainCommand.class,
            ConvertCommand.class,
            ExportCommand.class,
            EvalCommand.class,
            VerifyCommand.class,
            InspectCommand.class,
            RtlCommand.class,
            DseCommand.class,
            BenchCommand.class,
            DatasetsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LutBoostCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Builds the command line with LUTBoost's error handling and exit codes.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new LutBoostCommand());
        cmd.setExecutionExceptionHandler(new ErrorHandler());
        cmd.setExitCodeExceptionMapper(new ExitCodes());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LutBoostCommand.class.getPackage().getImplementationVersion();
            return new String[] {"lutboost " + (v == null ? "(development build)" : v)};
        }
    }
}
