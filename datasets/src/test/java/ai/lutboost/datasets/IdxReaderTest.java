package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir Path dir;

    private static byte[] ramp(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 7);
        }
        return data;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsWhatWasWritten(boolean gzip) throws Exception {
        byte[] data = ramp(3 * 4 * 5);
        Path f = IdxFiles.write(dir.resolve("a.idx"), IdxFiles.idx(8, new int[] {3, 4, 5}, data), gzip);
        IdxArray a = IdxReader.read(f, 3);
        assertArrayEquals(new int[] {3, 4, 5}, a.dims());
        assertArrayEquals(data, a.data());
        assertTrue(a.count() == 3 && a.itemSize() == 20);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void wrongMagicNamesFileAndExpectation(boolean gzip) throws Exception {
        byte[] content = IdxFiles.idx(8, new int[] {2, 2, 2}, ramp(8));
        content[0] = 0x12;
        Path f = IdxFiles.write(dir.resolve("bad-magic"), content, gzip);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("wrong magic number 0x12000803"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void truncatedRawFileReportsCounts() throws Exception {
        byte[] content = IdxFiles.idx(8, new int[] {10, 28, 28}, ramp(10 * 784));
        Path f = IdxFiles.write(dir.resolve("trunc"), Arrays.copyOf(content, content.length - 100), false);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("need 7840 data bytes, file has 7740 (truncated)"), e.getMessage());
    }

    @Test
    void truncatedGzipDataReportsCounts() throws Exception {
        byte[] content = IdxFiles.idx(8, new int[] {10, 28, 28}, ramp(10 * 784));
        Path f = IdxFiles.write(dir.resolve("trunc.gz"), Arrays.copyOf(content, content.length - 100), true);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("need 7840 data bytes, found 7740 (truncated)"), e.getMessage());
    }

    @Test
    void truncatedGzipStreamIsADatasetException() throws Exception {
        Path whole = IdxFiles.write(dir.resolve("whole.gz"), IdxFiles.idx(8, new int[] {100}, ramp(100)), true);
        byte[] gz = Files.readAllBytes(whole);
        Path f = dir.resolve("cut.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws Exception {
        byte[] content = IdxFiles.idx(8, new int[] {4}, ramp(4));
        Path f = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(content, content.length + 3), true);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
    }

    @Test
    void wrongTypeAndDimensionCountAreNamed() throws Exception {
        Path floats = IdxFiles.write(dir.resolve("f"), IdxFiles.idx(0x0d, new int[] {1}, new byte[1]), false);
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(floats, 1))
                .getMessage().contains("IDX data type 0x0d is not supported"));
        Path labels = IdxFiles.write(dir.resolve("l"), IdxFiles.idx(8, new int[] {4}, ramp(4)), false);
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(labels, 3))
                .getMessage().contains("has 1 dimensions, expected 3"));
    }

    @Test
    void corruptHugeHeaderFailsBeforeAllocating() throws Exception {
        Path f = IdxFiles.write(dir.resolve("huge.gz"), IdxFiles.idx(8, new int[] {60000, 2000, 2000}, new byte[0]), true);
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(f, 3))
                .getMessage().contains("exceed 2^31 values"));
        Path one = IdxFiles.write(dir.resolve("count.gz"), IdxFiles.idx(8, new int[] {Integer.MAX_VALUE, 28, 28},
                new byte[0]), true);
        assertEquals(one + ": dimensions [2147483647, ...] exceed 2^31 values",
                assertThrows(DatasetException.class, () -> IdxReader.read(one, 3)).getMessage());
        Path g = IdxFiles.write(dir.resolve("big.gz"), IdxFiles.idx(8, new int[] {60000, 28, 28}, new byte[0]), true);
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(g, 3))
                .getMessage().contains("header is corrupt"));
    }

    @Test
    void missingAndEmptyFiles() throws IOException {
        Path missing = dir.resolve("nope");
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(missing, 1))
                .getMessage().contains("not found"));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertTrue(assertThrows(DatasetException.class, () -> IdxReader.read(empty, 1))
                .getMessage().contains("found a file of 0 bytes"));
    }
}
