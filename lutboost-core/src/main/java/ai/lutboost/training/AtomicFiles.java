package ai.lutboost.training;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a text file so that a crash leaves either the old file or the new one, never half of one,
 * and removes the directory trees such writes build beside their targets.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes text to a temporary file beside the target, then renames it over the target.
     *
     * @param file the target
     * @param text the content, as UTF-8
     * @throws LutBoostException if the file cannot be written; no temporary file remains then
     */
    public static void writeString(Path file, String text) throws LutBoostException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw OutputPathException.of(file.toString(), e);
        }
    }

    /**
     * Deletes a directory and everything below it; nothing happens if it does not exist.
     *
     * @param root the directory
     * @throws IOException if something below it cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
