package ai.lutboost.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the files of a bundle, a directory or the same tree zipped into one {@code .lutb} file,
 * never more bytes than the caller expects: sizes come from the manifest and are checked before
 * anything is allocated, so a hostile size cannot exhaust memory.
 */
final class BundleFiles implements AutoCloseable {

    /** The largest manifest read. */
    static final int MAX_MANIFEST_BYTES = 16 << 20;

    private final Path root;
    private final ZipFile zip;
    private final String label;

    private BundleFiles(Path root, ZipFile zip, String label) {
        this.root = root;
        this.zip = zip;
        this.label = label;
    }

    static BundleFiles open(Path path) throws BundleFormatException {
        String label = path.toString();
        if (Files.isDirectory(path)) {
            return new BundleFiles(path, null, label);
        }
        if (!Files.isRegularFile(path)) {
            throw new BundleFormatException(label, "no such bundle (a directory or a .lutb file was expected)");
        }
        try {
            return new BundleFiles(null, new ZipFile(path.toFile()), label);
        } catch (IOException | RuntimeException e) {
            Path parent = path.toAbsolutePath().getParent();
            // A path to the manifest or a table is the commonest slip: name the directory meant.
            String hint = parent != null && Files.isRegularFile(parent.resolve("manifest.json"))
                    ? "; " + path.getFileName() + " is a file inside the bundle directory " + parent + ", give that"
                    : "";
            throw new BundleFormatException(label, "not a readable .lutb (zip) file: " + e.getMessage() + hint, e);
        }
    }

    String label() {
        return label;
    }

    /**
     * Reads a file whose size must be exactly {@code size}, or at most {@code -size} when negative.
     */
    byte[] read(String name, long size) throws BundleFormatException {
        long limit = Math.abs(size);
        if (limit > Integer.MAX_VALUE - 8) {
            throw new BundleFormatException(name, "declared size " + limit + " bytes is too large to read");
        }
        byte[] data;
        try {
            if (zip == null) {
                Path p = root.resolve(name);
                if (!p.normalize().startsWith(root.normalize()) || !Files.isRegularFile(p)) {
                    throw new BundleFormatException(name, "missing from the bundle " + label);
                }
                long actual = Files.size(p);
                if (actual > limit) {
                    throw new BundleFormatException(name, "is " + actual + " bytes, " + describe(size));
                }
                data = Files.readAllBytes(p);
            } else {
                ZipEntry e = zip.getEntry(name);
                if (e == null || e.isDirectory()) {
                    throw new BundleFormatException(name, "missing from the bundle " + label);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    data = readAtMost(in, limit + 1);
                }
            }
        } catch (BundleFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BundleFormatException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (data.length > limit || (size >= 0 && data.length != size)) {
            throw new BundleFormatException(name, "is " + data.length + " bytes, " + describe(size)
                    + (data.length < limit ? " (truncated?)" : ""));
        }
        return data;
    }

    String readText(String name) throws BundleFormatException {
        return new String(read(name, -MAX_MANIFEST_BYTES), StandardCharsets.UTF_8);
    }

    private static String describe(long size) {
        return size >= 0 ? "the manifest declares " + size : "at most " + (-size) + " expected";
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                // Nothing was written through it; a failed close loses nothing.
            }
        }
    }
}
