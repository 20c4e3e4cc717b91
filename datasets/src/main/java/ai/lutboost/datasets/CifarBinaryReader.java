package ai.lutboost.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CIFAR-10's binary version: each record is one label byte followed by 3072 pixel bytes
 * (1024 red, 1024 green, 1024 blue, each row-major 32x32).
 */
public final class CifarBinaryReader {

    /** Bytes in one record: the label and a 3x32x32 image. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;

    private static final int NUM_CLASSES = 10;

    private CifarBinaryReader() {}

    /**
     * Reads and concatenates batch files.
     *
     * @param files the batch files, in order
     * @return the images and labels
     * @throws DatasetException if a file is missing, not a whole number of records, or holds a
     *     label outside 0..9
     */
    public static LabeledImages read(List<Path> files) throws DatasetException {
        long total = 0;
        for (Path file : files) {
            long size = size(file);
            if (size == 0 || size % RECORD_BYTES != 0) {
                throw new DatasetException(
                        String.format(
                                "%s: %d bytes is not a whole number of %d-byte CIFAR-10 records"
                                        + " (truncated or not a CIFAR-10 binary batch)",
                                file, size, RECORD_BYTES));
            }
            total += size / RECORD_BYTES;
        }
        if (total * (RECORD_BYTES - 1) > Integer.MAX_VALUE - 8) {
            throw new DatasetException("CIFAR-10 batches hold " + total + " images, too many");
        }
        int count = (int) total;
        byte[] pixels = new byte[count * (RECORD_BYTES - 1)];
        int[] labels = new int[count];
        int image = 0;
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (int off = 0; off < bytes.length; off += RECORD_BYTES, image++) {
                int label = bytes[off] & 0xff;
                if (label >= NUM_CLASSES) {
                    throw new DatasetException(
                            String.format(
                                    "%s: record %d has label %d, expected 0..9",
                                    file, off / RECORD_BYTES, label));
                }
                labels[image] = label;
                System.arraycopy(
                        bytes, off + 1, pixels, image * (RECORD_BYTES - 1), RECORD_BYTES - 1);
            }
        }
        return new LabeledImages(pixels, labels, 3, 32, 32);
    }

    private static long size(Path file) throws DatasetException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException("CIFAR-10 batch file not found: " + file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
