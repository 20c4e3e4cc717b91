package ai.lutboost.stage;

import ai.lutboost.LutBoostException;
import java.util.List;

/**
 * A named unit of the conversion (DESIGN §4) with the stages it needs finished before it. The
 * pipeline runs stages in order, checkpoints the model after each, and skips finished ones on
 * resume.
 */
public interface Stage {

    /**
     * Returns the stage's name, as recipes, checkpoints and reports use it.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the stages that must have finished before this one.
     *
     * @return their names
     */
    List<String> requires();

    /**
     * Returns whether the stage, with the context's settings, would leave the model exactly as
     * it found it (a training stage set to 0 epochs). The pipeline then carries the previous
     * stage's measurements over instead of evaluating the same model again, which on ViT-tiny
     * costs minutes.
     *
     * @param context the model, data and options
     * @return true if running the stage cannot change the model
     */
    default boolean leavesModelUnchanged(StageContext context) {
        return false;
    }

    /**
     * Runs the stage on the context's model, in place.
     *
     * @param context the model, data and options
     * @return what the stage measured
     * @throws LutBoostException if data or checkpoints are bad, or training diverges
     */
    StageResult run(StageContext context) throws LutBoostException;
}
