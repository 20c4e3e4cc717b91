package ai.lutboost.datasets;

import ai.lutboost.LutBoostException;

/** A dataset file is missing, malformed or fails its checksum; the message names the file. */
public class DatasetException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong, naming the file, and what to do about it
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * Creates an exception with its cause.
     *
     * @param message what is wrong, naming the file, and what to do about it
     * @param cause the cause
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@inheritDoc} */
    @Override
    public boolean isBadInput() {
        return true;
    }
}
