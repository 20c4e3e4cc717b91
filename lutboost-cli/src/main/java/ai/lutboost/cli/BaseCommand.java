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

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
