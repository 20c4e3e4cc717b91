package ai.lutboost.cli;

import ai.lutboost.LutBoostException;
import ai.lutboost.engine.BundleFormatException;
import picocli.CommandLine;

/** Exit codes: 0 ok, 1 failure, 2 bad input. */
final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int BAD_INPUT = 2;

    @Override
    public int getExitCode(Throwable t) {
        return of(t);
    }

    static int of(Throwable t) {
        if (t instanceof LutBoostException e) {
            return e.isBadInput() ? BAD_INPUT : FAILURE;
        }
        if (t instanceof BundleFormatException) {
            return BAD_INPUT;
        }
        if (t instanceof CommandLine.ParameterException || t instanceof IllegalArgumentException) {
            return BAD_INPUT;
        }
        return FAILURE;
    }
}
