package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {

    @TempDir Path dir;

    private Path batch(String name, int n, int firstLabel) throws Exception {
        byte[] bytes = new byte[n * CifarBinaryReader.RECORD_BYTES];
        for (int i = 0; i < n; i++) {
            int off = i * CifarBinaryReader.RECORD_BYTES;
            bytes[off] = (byte) ((firstLabel + i) % 10);
            for (int p = 1; p < CifarBinaryReader.RECORD_BYTES; p++) {
                bytes[off + p] = (byte) (i + p);
            }
        }
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsAndConcatenatesBatches() throws Exception {
        LabeledImages images = CifarBinaryReader.read(List.of(batch("a.bin", 7, 0), batch("b.bin", 5, 3)));
        assertEquals(12, images.count());
        assertEquals(3, images.channels());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7}, images.labels());
        // Image 7 is the first of the second batch: its red (0,0) pixel is byte i + 1 = 1.
        assertEquals(1, images.pixels()[7 * 3072]);
        assertEquals((byte) (2 + 3072), images.pixels()[2 * 3072 + 3071]);
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 2, 1, 0, 0}, images.labelHistogram(10));
    }

    @Test
    void truncatedBatchIsNamed() throws Exception {
        Path good = batch("c.bin", 3, 0);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(bytes, bytes.length - 1));
        DatasetException e = assertThrows(DatasetException.class, () -> CifarBinaryReader.read(List.of(cut)));
        assertTrue(e.getMessage().contains(cut + ": 9218 bytes is not a whole number of 3073-byte"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() throws Exception {
        Path f = batch("d.bin", 2, 0);
        byte[] bytes = Files.readAllBytes(f);
        bytes[CifarBinaryReader.RECORD_BYTES] = 12;
        Files.write(f, bytes);
        DatasetException e = assertThrows(DatasetException.class, () -> CifarBinaryReader.read(List.of(f)));
        assertTrue(e.getMessage().contains("record 1 has label 12, expected 0..9"), e.getMessage());
    }

    @Test
    void loadsAsADatasetThroughTheLocator() throws Exception {
        Path root = dir.resolve("data");
        Path cifar = Files.createDirectories(root.resolve("cifar10"));
        for (KnownFile f : Datasets.CIFAR10.allFiles()) {
            Files.copy(batch("tmp-" + f.name(), 4, 1), cifar.resolve(f.name()));
        }
        ImageClassificationDataset test =
                ImageClassificationDataset.builder()
                        .optDataset(Datasets.CIFAR10)
                        .optDataDir(root)
                        .optSplit(Split.TEST)
                        .setSampling(2, false)
                        .build();
        assertEquals(4, test.size());
        assertEquals(new ai.djl.ndarray.types.Shape(3, 32, 32), test.imageShape());
        ImageClassificationDataset train =
                ImageClassificationDataset.builder()
                        .optDataset(Datasets.CIFAR10)
                        .optDataDir(root)
                        .optValidationFraction(0.25)
                        .setSampling(2, false)
                        .build();
        assertEquals(15, train.size());
    }
}
