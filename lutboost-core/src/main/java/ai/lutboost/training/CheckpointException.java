package ai.lutboost.training;

import ai.lutboost.LutBoostException;

/** A checkpoint is missing, corrupt, or belongs to another recipe; the message names the file. */
public class CheckpointException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong and what to do
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * Creates an exception with its cause.
     *
     * @param message what is wrong and what to do
     * @param cause the cause
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@inheritDoc} */
    @Override
    public boolean isBadInput() {
        return true;
    }
}
