package ai.lutboost.dse;

import ai.lutboost.layer.Metric;
import java.util.List;
import java.util.Locale;

/**
 * One uniform configuration of a sweep: every LUT layer of the model gets the same
 * {@code (v, K, metric, tableBits)}.
 *
 * @param v sub-vector length
 * @param k centroids per codebook
 * @param metric the distance
 * @param tableBits table width
 */
public record SweepPoint(int v, int k, Metric metric, int tableBits) {

    /**
     * Returns the point's name, used as its directory: e.g. {@code v4-k16-l2-t8}.
     *
     * @return the name
     */
    public String id() {
        return String.format(Locale.ROOT, "v%d-k%d-%s-t%d", v, k, metric.name().toLowerCase(Locale.ROOT), tableBits);
    }

    /**
     * Returns the recipe overrides that set this point over a recipe's {@code lut.defaults},
     * zero-padding layers whose input length {@code v} does not divide.
     *
     * @return {@code key=value} overrides
     */
    public List<String> overrides() {
        return List.of("lut.defaults.v=" + v, "lut.defaults.k=" + k,
                "lut.defaults.metric=" + metric.name().toLowerCase(Locale.ROOT), "lut.defaults.tableBits=" + tableBits,
                "lut.defaults.pad=true");
    }

    /**
     * The grid of every combination.
     *
     * @param vs sub-vector lengths
     * @param ks centroid counts
     * @param metrics distances
     * @param tableBits table widths
     * @return the points, {@code v} varying slowest
     */
    public static List<SweepPoint> grid(
            List<Integer> vs, List<Integer> ks, List<Metric> metrics, List<Integer> tableBits) {
        List<SweepPoint> out = new java.util.ArrayList<>();
        for (int v : vs) {
            for (int k : ks) {
                for (Metric m : metrics) {
                    for (int t : tableBits) {
                        out.add(new SweepPoint(v, k, m, t));
                    }
                }
            }
        }
        return out;
    }
}
