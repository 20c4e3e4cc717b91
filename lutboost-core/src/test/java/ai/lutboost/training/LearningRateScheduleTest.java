package ai.lutboost.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupThenCosineToTheFinalRate() {
        LearningRateSchedule s = new LearningRateSchedule(1f, "cosine", 10, 110, 0.1f, 1, 1f);
        assertEquals(0.1f, s.getNewValue(0), 1e-6);
        assertEquals(1f, s.getNewValue(9), 1e-6);
        assertEquals(1f, s.getNewValue(10), 1e-6);
        assertEquals(0.55f, s.getNewValue(60), 1e-6);
        assertEquals(0.1f, s.getNewValue(110), 1e-6);
    }

    @Test
    void stepAndConstant() {
        LearningRateSchedule step = new LearningRateSchedule(1f, "step", 0, 100, 0f, 30, 0.5f);
        assertEquals(1f, step.getNewValue(29));
        assertEquals(0.5f, step.getNewValue(30));
        assertEquals(0.25f, step.getNewValue(61));
        assertEquals(0.3f, new LearningRateSchedule(0.3f, "constant", 0, 100, 0f, 1, 1f).getNewValue(99));
    }
}
