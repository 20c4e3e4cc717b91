package ai.lutboost.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Downloads a dataset into the cache, for users who are online.
 *
 * <p>All files go into a fresh temporary directory beside the target; each is checked against
 * its SHA-256 and its IDX or CIFAR structure, and only when every file checks out is the
 * directory renamed into place. A failed, interrupted or corrupt download therefore leaves
 * nothing behind: the dataset is either complete in the cache or absent.
 */
public final class DatasetDownloader {

    private final HttpClient client;
    private final Duration timeout;

    /**
     * Creates a downloader.
     *
     * @param timeout the time allowed for each request
     */
    public DatasetDownloader(Duration timeout) {
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        this.timeout = timeout;
    }

    /**
     * Downloads a dataset.
     *
     * @param dataset the dataset
     * @param base the base URL the file names are resolved against; the dataset's own when
     *     {@code null}
     * @param cacheRoot the cache root; the dataset lands in {@code cacheRoot/<name>}
     * @return the dataset's directory
     * @throws DatasetException if the dataset has no download location, a request fails, or a
     *     file fails its checks; nothing is left in the cache then
     */
    public Path download(DatasetDescriptor dataset, URI base, Path cacheRoot)
            throws DatasetException {
        URI from = base;
        if (from == null) {
            if (dataset.downloadBase() == null) {
                throw new DatasetException(
                        "dataset " + dataset.name() + " has no download location; "
                                + dataset.howToGet());
            }
            from = URI.create(dataset.downloadBase());
        }
        if (!from.getPath().endsWith("/")) {
            from = URI.create(from + "/");
        }
        Path target = cacheRoot.resolve(dataset.name());
        if (Files.isDirectory(target)) {
            throw new DatasetException(
                    target + " already exists; delete it first to download again");
        }
        Path staging = null;
        try {
            Files.createDirectories(cacheRoot);
            staging = Files.createTempDirectory(cacheRoot, "." + dataset.name() + ".partial-");
            for (KnownFile file : dataset.allFiles()) {
                fetch(from.resolve(file.name()), staging.resolve(file.name()), file);
            }
            DatasetLoader.checkStructure(dataset, staging);
            move(staging, target);
            staging = null;
            return target;
        } catch (IOException e) {
            throw new DatasetException(
                    "cannot download " + dataset.name() + " into " + cacheRoot + ": "
                            + e.getMessage(), e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    private void fetch(URI uri, Path to, KnownFile file) throws DatasetException, IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("download of " + uri + " was interrupted", e);
        } catch (IOException e) {
            throw new DatasetException(
                    "cannot download " + uri + ": " + e.getMessage()
                            + " (are you online? otherwise copy the files and pass --data-dir)",
                    e);
        }
        MessageDigest digest = Checksums.newDigest();
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(to)) {
            if (response.statusCode() != 200) {
                throw new DatasetException(
                        "cannot download " + uri + ": HTTP " + response.statusCode());
            }
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (file.digest().isPresent() && !actual.equals(file.sha256())) {
            throw new DatasetException(
                    String.format(
                            "downloaded %s has SHA-256 %s, expected %s; nothing was kept",
                            uri, actual, file.sha256()));
        }
    }

    private static void move(Path staging, Path target) throws IOException, DatasetException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new DatasetException(
                    "cannot rename " + staging + " to " + target + " atomically", e);
        } catch (FileAlreadyExistsException e) {
            throw new DatasetException(
                    target + " appeared during the download; delete it to download again", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // The staging directory's name starts with a dot and says "partial": a leftover is
            // never mistaken for the dataset, so the original failure is the one to report.
            System.getLogger(DatasetDownloader.class.getName())
                    .log(System.Logger.Level.WARNING, "could not delete " + dir, e);
        }
    }
}
