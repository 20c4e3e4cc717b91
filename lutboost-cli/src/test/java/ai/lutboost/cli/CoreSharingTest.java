package ai.lutboost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

class CoreSharingTest {

    private static final String LAUNCHED =
            "/usr/bin/java -Dai.djl.offline=true -jar /home/u/lutboost/lutboost-cli/target/lutboost-cli.jar run -r fashion-vit-tiny-lut";

    @Test
    void namesEveryOtherLutBoostJvmButNotItselfNorOtherPrograms() {
        Map<Long, String> processes = Map.of(
                10L, LAUNCHED,
                11L, "java -cp lib/* ai.lutboost.cli.Main bench -q",
                12L, "/usr/bin/time -v java -jar /home/u/lutboost/lutboost-cli/target/lutboost-cli.jar run",
                13L, "bash ./lutboost-cli-notes.sh",
                14L, "java -jar other.jar",
                15L, "/usr/lib/jvm/java-17/bin/java -classpath boot/plexus-classworlds.jar"
                        + " org.codehaus.plexus.classworlds.launcher.Launcher -pl lutboost-cli -am package",
                16L, "java -jar /home/u/lutboost/lutboost-cli/target/surefire/surefirebooter1.jar");
        assertEquals("lutboost: 2 other LUTBoost processes are running (pid 10: run -r fashion-vit-tiny-lut;"
                        + " pid 11: bench -q); on 2 cores each runs several times slower while both compute, and timings"
                        + " taken meanwhile mean little",
                CoreSharing.warning(99, processes, 2));
        assertEquals("lutboost: another LUTBoost process is running (pid 11: bench -q); on 8 cores each runs several"
                        + " times slower while both compute, and timings taken meanwhile mean little",
                CoreSharing.warning(10, Map.of(10L, LAUNCHED, 11L, "java -cp lib/* ai.lutboost.cli.Main bench -q"), 8));
    }

    @Test
    void warnsBeforeCommandsThatComputeUnlessQuietOrAskedForHelp() {
        for (String[] args : new String[][] {{"run"}, {"bench", "--steps", "3"}, {"eval", "--bundle", "b"}}) {
            assertEquals("W\n", printed(args), String.join(" ", args));
        }
        for (String[] args : new String[][] {{"run", "-q"}, {"run", "--help"}, {"inspect", "--bundle", "b"},
                {"datasets"}, {"--version"}, {}}) {
            assertEquals("", printed(args), String.join(" ", args));
        }
    }

    private static String printed(String[] args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ParseResult parsed = LutBoostCommand.commandLine().parseArgs(args);
        CoreSharing.warnBefore(parsed, new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> "W");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void saysNothingWhenItRunsAlone() {
        assertNull(CoreSharing.warning(10, Map.of(10L, LAUNCHED, 12L, "vim notes.txt"), 2));
        assertNull(CoreSharing.warning(10, Map.of(), 2));
    }
}
