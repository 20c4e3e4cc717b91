package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reads the real Fashion-MNIST files that Debian's dataset-fashion-mnist installs. */
class FashionMnistTest {

    @Test
    void filesMatchTheirPublishedChecksums() throws Exception {
        DatasetLocation loc = DatasetLocator.system().locate(Datasets.FASHION_MNIST, null);
        for (KnownFile f : Datasets.FASHION_MNIST.allFiles()) {
            assertEquals(f.sha256(), Checksums.sha256(loc.directory().resolve(f.name())), f.name());
        }
    }

    @Test
    void splitsHaveTheRightSizesAndBalancedLabels() throws Exception {
        ImageClassificationDataset test =
                ImageClassificationDataset.builder().optSplit(Split.TEST).setSampling(32, false).build();
        assertEquals(10_000, test.size());
        int[] thousand = new int[10];
        java.util.Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, test.labelHistogram());
        assertEquals("Ankle boot", test.classNames().get(9));
        // The first test item of Fashion-MNIST is an ankle boot.
        assertEquals(9, test.label(0));

        ImageClassificationDataset train = split(Split.TRAIN, 7);
        ImageClassificationDataset val = split(Split.VALIDATION, 7);
        assertEquals(54_000, train.size());
        assertEquals(6_000, val.size());
        int[] all = new int[10];
        int[] a = train.labelHistogram();
        int[] b = val.labelHistogram();
        for (int c = 0; c < 10; c++) {
            all[c] = a[c] + b[c];
        }
        int[] sixThousand = new int[10];
        java.util.Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, all, "train + validation must be the 60,000 training items");
        // A different seed carves a different validation part.
        assertTrue(!java.util.Arrays.equals(b, split(Split.VALIDATION, 8).labelHistogram()));
    }

    @Test
    void recordsAreNormalisedImages() throws Exception {
        ImageClassificationDataset test =
                ImageClassificationDataset.builder().optSplit(Split.TEST).setSampling(32, false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Record r = test.get(manager, 0);
            NDArray x = r.getData().singletonOrThrow();
            assertEquals(new Shape(1, 28, 28), x.getShape());
            float min = -0.2860f / 0.3530f;
            assertEquals(min, x.min().getFloat(), 1e-6);
            assertTrue(x.max().getFloat() <= (1 - 0.2860f) / 0.3530f + 1e-6);
            assertEquals(9f, r.getLabels().singletonOrThrow().getFloat());
        }
    }

    private static ImageClassificationDataset split(Split split, long seed) throws Exception {
        return ImageClassificationDataset.builder()
                .optSplit(split)
                .optSplitSeed(seed)
                .setSampling(32, false)
                .build();
    }

    @Test
    void validationAndTrainPartitionTheTrainingFiles() throws Exception {
        Path dir = DatasetLocator.system().locate(Datasets.FASHION_MNIST, null).directory();
        LabeledImages images = DatasetLoader.read(Datasets.FASHION_MNIST, dir, false);
        Set<Integer> items = new HashSet<>();
        for (Split s : new Split[] {Split.TRAIN, Split.VALIDATION}) {
            ImageClassificationDataset d =
                    ImageClassificationDataset.builder()
                            .optImages(images)
                            .optSplit(s)
                            .optSplitSeed(3)
                            .setSampling(1, false)
                            .build();
            for (int item : d.itemIndices()) {
                assertTrue(items.add(item), "item " + item + " is in both splits");
            }
        }
        assertEquals(60_000, items.size());
    }
}
