package ai.lutboost.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** SHA-256 of files, verified once per file and process. */
public final class Checksums {

    private static final Map<String, Boolean> VERIFIED = new ConcurrentHashMap<>();

    private Checksums() {}

    /**
     * Computes a file's SHA-256.
     *
     * @param file the file
     * @return the digest in lower-case hex
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Returns a fresh SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * Checks a dataset file against its published digest, once per process for an unchanged
     * file; files with no digest on record pass.
     *
     * @param file the file on disk
     * @param known what is on record for it
     * @throws DatasetException if the file cannot be read or its digest differs
     */
    public static void verify(Path file, KnownFile known) throws DatasetException {
        if (known.digest().isEmpty()) {
            return;
        }
        String key;
        try {
            key = file.toAbsolutePath() + ":" + Files.size(file) + ":"
                    + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (VERIFIED.containsKey(key)) {
            return;
        }
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!actual.equals(known.sha256())) {
            throw new DatasetException(
                    String.format(
                            "%s: SHA-256 is %s, expected %s; the file is corrupt or a different"
                                    + " version: delete it and fetch it again",
                            file, actual, known.sha256()));
        }
        VERIFIED.put(key, Boolean.TRUE);
    }
}
