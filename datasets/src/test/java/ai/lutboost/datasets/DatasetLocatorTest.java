package ai.lutboost.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir Path dir;

    @Test
    void triesDataDirThenEnvironmentThenSystemThenCache() throws Exception {
        Path explicit = dir.resolve("explicit");
        Path env = dir.resolve("env");
        Path system = dir.resolve("system");
        Path cache = dir.resolve("cache");
        for (Path root : new Path[] {env, system, cache}) {
            IdxFiles.writeMnistLike(root.resolve("mnist"), 10, 10);
        }
        IdxFiles.writeMnistLike(explicit, 10, 10);
        DatasetLocator all = new DatasetLocator(Map.of("LUTBOOST_DATA", env.toString()), system, cache);
        assertEquals(new DatasetLocation(explicit, "--data-dir"), all.locate(Datasets.MNIST, explicit));
        assertEquals(new DatasetLocation(env.resolve("mnist"), "LUTBOOST_DATA"), all.locate(Datasets.MNIST, null));
        DatasetLocator noEnv = new DatasetLocator(Map.of(), system, cache);
        assertEquals(new DatasetLocation(system.resolve("mnist"), "system"), noEnv.locate(Datasets.MNIST, null));
        DatasetLocator cacheOnly = new DatasetLocator(Map.of(), dir.resolve("absent"), cache);
        assertEquals(new DatasetLocation(cache.resolve("mnist"), "cache"), cacheOnly.locate(Datasets.MNIST, null));
    }

    @Test
    void incompleteDirectoryDoesNotShadowACompleteOne() throws Exception {
        Path system = dir.resolve("system");
        Path cache = dir.resolve("cache");
        IdxFiles.writeMnistLike(system.resolve("mnist"), 10, 10);
        Files.delete(system.resolve("mnist").resolve("t10k-labels-idx1-ubyte.gz"));
        IdxFiles.writeMnistLike(cache.resolve("mnist"), 10, 10);
        assertEquals("cache", new DatasetLocator(Map.of(), system, cache).locate(Datasets.MNIST, null).source());
    }

    @Test
    void missingDatasetSaysWhereItLookedAndHowToGetIt() {
        DatasetLocator none = new DatasetLocator(Map.of(), dir.resolve("s"), dir.resolve("c"));
        DatasetException e = assertThrows(DatasetException.class, () -> none.locate(Datasets.FASHION_MNIST, null));
        assertTrue(e.getMessage().contains(dir.resolve("s").resolve("fashion-mnist").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        DatasetException explicit =
                assertThrows(DatasetException.class, () -> none.locate(Datasets.FASHION_MNIST, dir.resolve("nowhere")));
        assertTrue(explicit.getMessage().contains("not found in --data-dir " + dir.resolve("nowhere")), explicit.getMessage());
    }
}
