package ai.lutboost.cli;

import picocli.CommandLine;

/** Entry point; the only place that exits the JVM. */
public final class Main {

    private Main() {}

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Nothing is downloaded at run time: the native library comes from the classpath jar.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty(
                "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils",
                System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "off"));
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        CommandLine cmd = LutBoostCommand.commandLine();
        // Here, not in the commands: tests run them inside a JVM of their own, beside whatever
        // else the machine runs, and their output must not depend on it.
        cmd.setExecutionStrategy(parsed -> {
            CoreSharing.warnBefore(parsed, System.err, CoreSharing::warning);
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(cmd.execute(args));
    }
}
