package ai.lutboost.datasets;

import java.util.Optional;

/**
 * A file a dataset consists of, with its published SHA-256 when one is on record.
 *
 * @param name the file name inside the dataset directory
 * @param sha256 the lower-case hex SHA-256, or {@code null} when none is on record
 */
public record KnownFile(String name, String sha256) {

    /** Checks the name and the digest's form. */
    public KnownFile {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("file name must be a plain name, got " + name);
        }
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 of " + name + " must be 64 hex digits");
        }
    }

    /**
     * Returns the published digest, if any.
     *
     * @return the SHA-256 in lower-case hex
     */
    public Optional<String> digest() {
        return Optional.ofNullable(sha256);
    }
}
