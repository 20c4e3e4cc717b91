package ai.lutboost.training;

import ai.lutboost.LutBoostException;

/** The loss became NaN or infinite; the last good checkpoint is kept. */
public class TrainingDivergedException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message where it diverged and what to try
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
