package ai.lutboost.graph;

import ai.lutboost.LutBoostException;

/**
 * A model cannot be turned into an integer graph: a block the datapath has no op for, a table not
 * yet frozen, or a layer whose accumulator could overflow. The model or recipe has to change, so
 * this counts as bad input.
 */
public class LoweringException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and with which layer
     */
    public LoweringException(String message) {
        super(message);
    }

    @Override
    public boolean isBadInput() {
        return true;
    }
}
