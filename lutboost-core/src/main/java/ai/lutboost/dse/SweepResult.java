package ai.lutboost.dse;

/**
 * A finished sweep point.
 *
 * @param point the uniform configuration, or null for a mixed one
 * @param testAccuracy the frozen model's test accuracy after the proxy training
 * @param seconds the proxy's wall time
 * @param cost the network's cost
 */
public record SweepResult(SweepPoint point, double testAccuracy, double seconds, NetworkCost cost) {}
