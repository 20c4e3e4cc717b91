package ai.lutboost.layer;

import java.util.Locale;

/** The distance between a sub-vector and a centroid. */
public enum Metric {
    /** Squared Euclidean distance {@code sum (x - p)^2}. */
    L2,
    /** Manhattan distance {@code sum |x - p|}. */
    L1,
    /** Chebyshev (max-abs) distance {@code max |x - p|}. */
    CHEBYSHEV;

    /**
     * Parses a metric name as recipes write it ({@code l2}, {@code l1}, {@code chebyshev}).
     *
     * @param name the name, case-insensitive
     * @return the metric
     * @throws IllegalArgumentException naming the valid metrics
     */
    public static Metric parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown metric '" + name + "', expected l2, l1 or chebyshev", e);
        }
    }
}
