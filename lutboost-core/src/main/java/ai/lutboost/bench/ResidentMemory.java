package ai.lutboost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, which counts native (libtorch) memory that the JVM heap does not. */
public final class ResidentMemory {

    private ResidentMemory() {}

    /**
     * Reads {@code VmRSS} from {@code /proc/self/status}.
     *
     * @return resident memory in kB, or -1 where {@code /proc} is not available
     */
    public static long kilobytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
