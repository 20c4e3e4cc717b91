package ai.lutboost.recipe;

import ai.lutboost.LutBoostException;

/**
 * A recipe is malformed: the message gives the file and line, the key, what was expected and
 * what was found.
 */
public class RecipeException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param where the file and line ({@code recipes/x.yaml:12}) or the override that is wrong
     * @param key the dotted key ({@code train.learningRate}), or null for the whole document
     * @param expected what a valid value looks like
     * @param found what the recipe has
     */
    public RecipeException(String where, String key, String expected, String found) {
        super(
                where + ": " + (key == null ? "" : "key '" + key + "': ") + "expected " + expected
                        + ", found " + found);
    }

    /**
     * Creates an exception with a free-form message.
     *
     * @param message the message, starting with the file
     * @param cause the cause, or null
     */
    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@inheritDoc} */
    @Override
    public boolean isBadInput() {
        return true;
    }
}
