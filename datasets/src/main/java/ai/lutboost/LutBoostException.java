package ai.lutboost;

/**
 * The checked base of every LUTBoost failure a user can act on.
 *
 * <p>Subtypes that describe bad input (a malformed file, a recipe error, a missing dataset)
 * return {@code true} from {@link #isBadInput()}, which the CLI maps to exit code 2; every other
 * failure maps to exit code 1. It lives in the lowest module so that every module can throw it.
 */
public class LutBoostException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that says what went wrong and what to do next.
     *
     * @param message the message
     */
    public LutBoostException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and its cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public LutBoostException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns whether the user's input (a file, a recipe, an option) is at fault.
     *
     * @return {@code true} for bad input, {@code false} for a failure of the run itself
     */
    public boolean isBadInput() {
        return false;
    }
}
