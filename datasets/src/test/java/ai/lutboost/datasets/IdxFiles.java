package ai.lutboost.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for tests. */
final class IdxFiles {

    private IdxFiles() {}

    static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(type);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(content);
        }
        return file;
    }

    /** Writes a tiny IDX dataset ({@code n} 28x28 images, label i % 10) in the MNIST layout. */
    static void writeMnistLike(Path dir, int nTrain, int nTest) throws IOException {
        Files.createDirectories(dir);
        writeSplit(dir, "train", nTrain);
        writeSplit(dir, "t10k", nTest);
    }

    private static void writeSplit(Path dir, String prefix, int n) throws IOException {
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int p = 0; p < 28 * 28; p++) {
                pixels[i * 28 * 28 + p] = (byte) ((i + p) % 256);
            }
        }
        write(
                dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                idx(8, new int[] {n, 28, 28}, pixels),
                true);
        write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), idx(8, new int[] {n}, labels), true);
    }
}
