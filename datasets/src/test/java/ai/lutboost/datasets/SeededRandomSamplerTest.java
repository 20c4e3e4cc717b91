package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeededRandomSamplerTest {

    private static List<Long> order(SeededRandomSampler s, ImageClassificationDataset d) {
        List<Long> out = new ArrayList<>();
        for (Iterator<Long> it = s.sample(d); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrder() throws Exception {
        LabeledImages images = new LabeledImages(new byte[100 * 4], new int[100], 1, 2, 2);
        ImageClassificationDataset d = ImageClassificationDataset.builder()
                .optImages(images).optSplit(Split.TEST).setSampling(10, false).build();
        SeededRandomSampler a = new SeededRandomSampler(5);
        List<Long> e0 = order(a, d);
        List<Long> e1 = order(a, d);
        assertNotEquals(e0, e1, "each epoch is shuffled anew");
        assertEquals(100, new TreeSet<>(e0).size(), "an epoch visits every item once");
        SeededRandomSampler resumed = new SeededRandomSampler(5);
        resumed.setEpoch(1);
        assertEquals(e1, order(resumed, d), "a resumed run sees the same order");
        assertNotEquals(e0, order(new SeededRandomSampler(6), d));
    }
}
