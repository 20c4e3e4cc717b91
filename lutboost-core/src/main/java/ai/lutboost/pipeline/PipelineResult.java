package ai.lutboost.pipeline;

import ai.lutboost.stage.ConvertedModel;
import java.nio.file.Path;

/**
 * What a pipeline run produced.
 *
 * @param report the stages' results and the layers' costs
 * @param reportFile where the report was written
 * @param model the LUT model after the last stage run (null if only the baseline ran); the
 *     caller closes it
 */
public record PipelineResult(PipelineReport report, Path reportFile, ConvertedModel model) implements AutoCloseable {

    /** Closes the model. */
    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
