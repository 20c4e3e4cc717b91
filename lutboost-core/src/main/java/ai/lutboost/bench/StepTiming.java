package ai.lutboost.bench;

import java.util.Arrays;

/**
 * Wall time of one training step (forward, loss, backward, optimizer update).
 *
 * @param name what was measured
 * @param medianMillis the median step time
 * @param meanMillis the mean step time
 * @param steps steps measured
 */
public record StepTiming(String name, double medianMillis, double meanMillis, int steps) {

    /**
     * Summarizes measured step times.
     *
     * @param name what was measured
     * @param nanos the step times in nanoseconds, not modified
     * @return the median and mean
     */
    public static StepTiming of(String name, long[] nanos) {
        long[] sorted = Arrays.copyOf(nanos, nanos.length);
        Arrays.sort(sorted);
        return new StepTiming(name, sorted[sorted.length / 2] / 1e6,
                Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6, sorted.length);
    }
}
