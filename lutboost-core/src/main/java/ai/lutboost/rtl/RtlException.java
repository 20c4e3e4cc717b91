package ai.lutboost.rtl;

import ai.lutboost.LutBoostException;

/** A bundle, or a generator option, that the hardware generator cannot turn into Verilog. */
public class RtlException extends LutBoostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what cannot be generated and the limit it breaks
     */
    public RtlException(String message) {
        super(message);
    }

    /** {@inheritDoc} */
    @Override
    public boolean isBadInput() {
        return true;
    }
}
