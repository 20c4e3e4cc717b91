package ai.lutboost.datasets;

/** A split of a dataset. */
public enum Split {
    /** The training files minus the validation part. */
    TRAIN,
    /** A seeded random part of the training files, held out for model selection. */
    VALIDATION,
    /** The test files. */
    TEST
}
