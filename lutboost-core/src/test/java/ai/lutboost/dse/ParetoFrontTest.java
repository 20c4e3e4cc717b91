package ai.lutboost.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.lutboost.layer.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    private static SweepResult result(int k, double accuracy, double energy) {
        NetworkCost cost = new NetworkCost(List.of(), energy, 1, energy, 1, energy, 1, 1);
        return new SweepResult(new SweepPoint(4, k, Metric.L2, 8), accuracy, 0, List.of(), cost, null);
    }

    @Test
    void keepsOnlyPointsNoOtherBeatsOnBoth() {
        SweepResult cheapBad = result(8, 0.80, 1);
        SweepResult mid = result(16, 0.85, 2);
        SweepResult dominated = result(32, 0.84, 3);
        SweepResult tiedCostWorse = result(64, 0.83, 2);
        SweepResult best = result(128, 0.86, 4);
        List<SweepResult> front = ParetoFront.of(List.of(best, dominated, cheapBad, tiedCostWorse, mid),
                r -> r.cost().lutEnergyPj());
        assertEquals(List.of(cheapBad, mid, best), front);
        assertEquals(mid, SweepReport.chosen(List.of(cheapBad, mid, dominated, best)),
                "lowest energy within one point of the best accuracy");
    }
}
