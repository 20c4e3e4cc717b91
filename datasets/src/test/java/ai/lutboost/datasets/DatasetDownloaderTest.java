package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from an HTTP server on 127.0.0.1 that the test runs. */
class DatasetDownloaderTest {

    @TempDir Path dir;
    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private URI base;
    private DatasetDescriptor tiny;

    @BeforeEach
    void serve() throws Exception {
        Path source = dir.resolve("source");
        IdxFiles.writeMnistLike(source, 20, 10);
        List<KnownFile> train = List.of(
                known(source, "train-images-idx3-ubyte.gz"), known(source, "train-labels-idx1-ubyte.gz"));
        List<KnownFile> test = List.of(
                known(source, "t10k-images-idx3-ubyte.gz"), known(source, "t10k-labels-idx1-ubyte.gz"));
        tiny = new DatasetDescriptor("tiny", DatasetFormat.IDX, train, test,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 1, 28, 28,
                new float[] {0.5f}, new float[] {0.5f}, "serve it", null);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/data/".length());
            byte[] body = served.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/data/");
    }

    private KnownFile known(Path source, String name) throws Exception {
        Path f = source.resolve(name);
        served.put(name, Files.readAllBytes(f));
        return new KnownFile(name, Checksums.sha256(f));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsChecksAndRenamesIntoPlace() throws Exception {
        Path cache = dir.resolve("cache");
        Path got = new DatasetDownloader(Duration.ofSeconds(10)).download(tiny, base, cache);
        assertEquals(cache.resolve("tiny"), got);
        for (KnownFile f : tiny.allFiles()) {
            assertArrayEquals(served.get(f.name()), Files.readAllBytes(got.resolve(f.name())));
        }
        assertEquals(List.of(got), list(cache), "no staging directory may remain");
        DatasetLocation found = new DatasetLocator(Map.of(), dir.resolve("none"), cache).locate(tiny, null);
        assertEquals("cache", found.source());
    }

    @Test
    void corruptPayloadLeavesNothingBehind() throws Exception {
        byte[] labels = served.get("t10k-labels-idx1-ubyte.gz").clone();
        labels[labels.length / 2] ^= 0x40;
        served.put("t10k-labels-idx1-ubyte.gz", labels);
        Path cache = dir.resolve("cache");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new DatasetDownloader(Duration.ofSeconds(10)).download(tiny, base, cache));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz has SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was kept"), e.getMessage());
        assertEquals(List.of(), list(cache));
    }

    @Test
    void missingFileOnServerLeavesNothingBehind() throws Exception {
        served.remove("train-labels-idx1-ubyte.gz");
        Path cache = dir.resolve("cache");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new DatasetDownloader(Duration.ofSeconds(10)).download(tiny, base, cache));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), list(cache));
    }

    @Test
    void unreachableServerIsADatasetException() throws Exception {
        server.stop(0);
        Path cache = dir.resolve("cache");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new DatasetDownloader(Duration.ofSeconds(5)).download(tiny, base, cache));
        assertTrue(e.getMessage().startsWith("cannot download " + base), e.getMessage());
        assertEquals(List.of(), list(cache));
    }

    private static List<Path> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
