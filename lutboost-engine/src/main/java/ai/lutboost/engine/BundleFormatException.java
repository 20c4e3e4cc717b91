package ai.lutboost.engine;

import java.io.IOException;

/**
 * A table bundle that cannot be used: unreadable, truncated, altered (a SHA-256 that does not
 * match), of an unknown format version, or whose manifest disagrees with its files. The message
 * names the file and the mismatch.
 */
public class BundleFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * Creates the exception.
     *
     * @param file the bundle file at fault, relative to the bundle (or the bundle itself)
     * @param mismatch what was expected and what was found
     */
    public BundleFormatException(String file, String mismatch) {
        super(file + ": " + mismatch);
        this.file = file;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param file the bundle file at fault
     * @param mismatch what was expected and what was found
     * @param cause the underlying error
     */
    public BundleFormatException(String file, String mismatch, Throwable cause) {
        super(file + ": " + mismatch, cause);
        this.file = file;
    }

    /**
     * Returns the file at fault.
     *
     * @return its path inside the bundle, or the bundle's own path
     */
    public String getFile() {
        return file;
    }
}
