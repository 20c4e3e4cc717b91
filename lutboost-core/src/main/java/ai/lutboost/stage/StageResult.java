package ai.lutboost.stage;

import ai.lutboost.training.EpochMetrics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage measured.
 *
 * @param stage the stage's name
 * @param testAccuracy accuracy on the test split after the stage (LUT layers in hard mode)
 * @param validationAccuracy accuracy on the validation split (NaN if there is none)
 * @param seconds wall time of the stage
 * @param reconstructionError per LUT layer, {@code |LUT(x) - dense(x)|^2 / |dense(x)|^2} on the
 *     calibration samples with inputs from the converted prefix; empty where it does not apply
 * @param history per-epoch metrics of stages that train end to end
 */
public record StageResult(
        String stage,
        double testAccuracy,
        double validationAccuracy,
        double seconds,
        Map<String, Double> reconstructionError,
        List<EpochMetrics> history) {

    /** Copies the collections. */
    public StageResult {
        reconstructionError = Collections.unmodifiableMap(new LinkedHashMap<>(reconstructionError));
        history = List.copyOf(history);
    }
}
