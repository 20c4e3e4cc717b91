package ai.lutboost.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand: prints only through picocli's writers and returns an exit code. */
abstract class BaseCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CommonOptions common;

    @Override
    public final Integer call() throws Exception {
        return doCall();
    }

    /**
     * Does the command's work.
     *
     * @return the exit code
     * @throws Exception mapped to an exit code and a one-line message
     */
    protected abstract int doCall() throws Exception;

    /**
     * Whether the command computes enough for another process on the same cores to slow it
     * (and it them): then a LUTBoost process already running is worth a warning.
     *
     * @return true but for commands that only read files or list things
     */
    boolean computes() {
        return true;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
