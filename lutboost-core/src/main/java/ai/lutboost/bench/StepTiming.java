package ai.lutboost.bench;

/**
 * Wall time of one training step (forward, loss, backward, optimizer update).
 *
 * @param name what was measured
 * @param medianMillis the median step time
 * @param meanMillis the mean step time
 * @param steps steps measured
 */
public record StepTiming(String name, double medianMillis, double meanMillis, int steps) {}
