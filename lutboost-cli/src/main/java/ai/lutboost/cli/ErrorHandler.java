package ai.lutboost.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Prints {@code error: <message>}, with the stack trace only under {@code --verbose}. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(
            Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("error: " + message);
        if (isVerbose(parseResult)) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        } else if (ExitCodes.of(e) == ExitCodes.FAILURE && !(e instanceof ai.lutboost.LutBoostException)) {
            err.println("(an unexpected " + e.getClass().getSimpleName() + "; run again with --verbose for details)");
        }
        err.flush();
        return ExitCodes.of(e);
    }

    private static boolean isVerbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
