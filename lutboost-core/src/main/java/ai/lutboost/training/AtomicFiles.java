package ai.lutboost.training;

import ai.lutboost.LutBoostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a text file so that a crash leaves either the old file or the new one, never half of one. */
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
}
