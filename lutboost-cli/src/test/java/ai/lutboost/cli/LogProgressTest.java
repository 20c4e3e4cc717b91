package ai.lutboost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogProgressTest {

    private long now;

    @Test
    void logsEachTenthAndAfterEveryQuietMinute() {
        List<String> lines = new ArrayList<>();
        LogProgress progress = new LogProgress(lines::add, () -> now);
        progress.reset("finetune 1/10", 422, null);
        for (int step = 1; step <= 422; step++) {
            now += 3_000_000_000L;
            progress.update(step, null);
        }
        // A minute is 20 steps of 3 s; the first tenth of 422 steps ends at step 43.
        assertEquals(List.of("finetune 1/10: 20/422 steps, 60 s", "finetune 1/10: 40/422 steps, 120 s",
                "finetune 1/10: 43/422 steps, 129 s", "finetune 1/10: 63/422 steps, 189 s"), lines.subList(0, 4));
        for (int tenth : new int[] {43, 85, 127, 169, 211, 254, 296, 338, 380}) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("finetune 1/10: " + tenth + "/422 ")),
                    tenth + " missing from " + lines);
        }
        // The epoch's own line follows the last step.
        assertTrue(lines.stream().noneMatch(l -> l.contains(" 422/422 ")), lines.toString());
        // After the ninth tenth (380, 1140 s), quiet minutes end at 400 and 420.
        assertEquals("finetune 1/10: 420/422 steps, 1260 s", lines.get(lines.size() - 1));
    }
}
