package ai.lutboost.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format), gzipped or raw, and checks them as it goes.
 *
 * <p>The format is a 4-byte magic number {@code 0x00 0x00 type ndim}, then {@code ndim}
 * big-endian 32-bit dimensions, then the data. Unlike readers that skip the header, this one
 * checks the magic number, that every dimension is positive, and that the data is exactly as
 * long as the dimensions say, so a truncated or mislabelled file fails naming the file and what
 * was expected versus found.
 */
public final class IdxReader {

    /** The IDX type code for unsigned bytes, the only one image datasets use. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private static final int GZIP_MAGIC = 0x1f8b;
    // gzip's DEFLATE cannot compress better than about 1032:1, so a header that claims more data
    // than that is corrupt: checking it first avoids allocating gigabytes for a broken file.
    private static final long MAX_DEFLATE_RATIO = 1100;

    private IdxReader() {}

    /**
     * Reads an IDX file of unsigned bytes.
     *
     * @param file the file, gzipped (detected by content, not name) or raw
     * @param expectedDims the number of dimensions the caller needs (1 for labels, 3 for images)
     * @return the array
     * @throws DatasetException if the file is missing, unreadable or malformed
     */
    public static IdxArray read(Path file, int expectedDims) throws DatasetException {
        long fileSize;
        boolean gzipped;
        try {
            fileSize = Files.size(file);
            gzipped = isGzip(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException("IDX file not found: " + file);
        } catch (IOException e) {
            throw new DatasetException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                InputStream in = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return parse(file, new DataInputStream(in), expectedDims, fileSize, gzipped);
        } catch (EOFException | ZipException e) {
            throw new DatasetException(
                    file + ": truncated or corrupt gzip stream (" + e.getMessage()
                            + "); delete the file and fetch it again", e);
        } catch (IOException e) {
            throw new DatasetException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int b0 = in.read();
            int b1 = in.read();
            return b0 >= 0 && b1 >= 0 && ((b0 << 8) | b1) == GZIP_MAGIC;
        }
    }

    private static IdxArray parse(
            Path file, DataInputStream in, int expectedDims, long fileSize, boolean gzipped)
            throws IOException, DatasetException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new DatasetException(
                    file + ": expected a 4-byte IDX magic number, found a file of " + got
                            + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetException(
                    String.format(
                            "%s: wrong magic number 0x%02x%02x%02x%02x, expected 0x0000%02x%02x"
                                    + " (IDX unsigned bytes, %d dimensions); is this an IDX file?",
                            file, magic[0], magic[1], magic[2], magic[3], TYPE_UNSIGNED_BYTE,
                            expectedDims, expectedDims));
        }
        int type = magic[2] & 0xff;
        int ndim = magic[3] & 0xff;
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new DatasetException(
                    String.format(
                            "%s: IDX data type 0x%02x is not supported, expected 0x%02x (unsigned"
                                    + " byte)",
                            file, type, TYPE_UNSIGNED_BYTE));
        }
        if (ndim != expectedDims) {
            throw new DatasetException(
                    file + ": IDX file has " + ndim + " dimensions, expected " + expectedDims);
        }
        int[] dims = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new DatasetException(
                        file + ": truncated header, expected " + ndim + " dimensions of 4 bytes");
            }
            dims[i] = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8)
                    | (b[3] & 0xff);
            if (dims[i] <= 0) {
                throw new DatasetException(
                        file + ": dimension " + i + " is " + dims[i] + ", expected a positive size");
            }
            count *= dims[i];
            if (count > Integer.MAX_VALUE - 8) {
                // The header is not read to its end, so only the dimensions read so far are known.
                String read = Arrays.toString(Arrays.copyOf(dims, i + 1));
                throw new DatasetException(file + ": dimensions " + (i + 1 < ndim
                        ? read.substring(0, read.length() - 1) + ", ...]" : read) + " exceed 2^31 values");
            }
        }
        long headerBytes = 4L + 4L * ndim;
        long limit = gzipped ? fileSize * MAX_DEFLATE_RATIO : fileSize - headerBytes;
        if (!gzipped && count != limit) {
            throw new DatasetException(
                    String.format(
                            "%s: dimensions %s need %d data bytes, file has %d (%s)",
                            file, Arrays.toString(dims), count, limit,
                            count > limit ? "truncated" : "trailing bytes"));
        }
        if (count > limit) {
            throw new DatasetException(
                    String.format(
                            "%s: dimensions %s need %d data bytes, more than a %d-byte gzip file"
                                    + " can hold; the header is corrupt",
                            file, Arrays.toString(dims), count, fileSize));
        }
        byte[] data = new byte[(int) count];
        int n = in.readNBytes(data, 0, data.length);
        if (n < count) {
            throw new DatasetException(
                    String.format(
                            "%s: dimensions %s need %d data bytes, found %d (truncated)",
                            file, Arrays.toString(dims), count, n));
        }
        if (in.read() >= 0) {
            throw new DatasetException(
                    String.format(
                            "%s: dimensions %s need %d data bytes, found more (trailing bytes)",
                            file, Arrays.toString(dims), count));
        }
        return new IdxArray(dims, data);
    }
}
