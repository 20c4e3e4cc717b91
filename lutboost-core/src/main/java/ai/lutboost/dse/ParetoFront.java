package ai.lutboost.dse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The points no other point beats on both accuracy (higher) and a cost (lower). */
public final class ParetoFront {

    private ParetoFront() {}

    /**
     * Finds the front.
     *
     * @param results the sweep
     * @param cost the cost to minimize
     * @return the non-dominated results, cheapest first
     */
    public static List<SweepResult> of(List<SweepResult> results, ToDoubleFunction<SweepResult> cost) {
        List<SweepResult> front = new ArrayList<>();
        for (SweepResult a : results) {
            boolean dominated = false;
            for (SweepResult b : results) {
                boolean noWorse = b.testAccuracy() >= a.testAccuracy()
                        && cost.applyAsDouble(b) <= cost.applyAsDouble(a);
                boolean better = b.testAccuracy() > a.testAccuracy() || cost.applyAsDouble(b) < cost.applyAsDouble(a);
                if (b != a && noWorse && better) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(a);
            }
        }
        front.sort(Comparator.comparingDouble(cost));
        return front;
    }
}
