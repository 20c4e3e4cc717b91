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
        return status("VmRSS:");
    }

    /**
     * Reads {@code VmHWM}, the peak resident memory, from {@code /proc/self/status}.
     *
     * @return the peak in kB since the process started or {@link #resetPeak}, or -1
     */
    public static long peakKilobytes() {
        return status("VmHWM:");
    }

    /**
     * Resets the peak resident memory to the current one (Linux 4.0 and later).
     *
     * @return whether the kernel took the reset
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
