package ai.lutboost.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a dataset's directory, trying in order: an explicit {@code --data-dir}, the environment
 * variable {@code LUTBOOST_DATA}, {@code /usr/share/datasets/<name>} (where Debian's dataset
 * packages install) and the cache {@code ~/.lutboost/datasets/<name>}.
 *
 * <p>An explicit directory or {@code LUTBOOST_DATA} may be the dataset's own directory or a
 * parent holding {@code <name>/}. A directory counts only when it holds every file the dataset
 * needs, so a half-filled directory never shadows a complete one further down the list.
 */
public final class DatasetLocator {

    /** The environment variable naming a data root. */
    public static final String ENV_VAR = "LUTBOOST_DATA";

    private final Map<String, String> env;
    private final Path systemRoot;
    private final Path cacheRoot;

    /**
     * Creates a locator from explicit roots, for tests and embedding.
     *
     * @param env the environment to read {@code LUTBOOST_DATA} from
     * @param systemRoot the system dataset root ({@code /usr/share/datasets})
     * @param cacheRoot the user's cache root ({@code ~/.lutboost/datasets})
     */
    public DatasetLocator(Map<String, String> env, Path systemRoot, Path cacheRoot) {
        this.env = Map.copyOf(env);
        this.systemRoot = systemRoot;
        this.cacheRoot = cacheRoot;
    }

    /**
     * Creates a locator for this machine and user.
     *
     * @return the locator
     */
    public static DatasetLocator system() {
        return new DatasetLocator(
                System.getenv(), Path.of("/usr/share/datasets"), defaultCacheRoot());
    }

    /**
     * Returns the user's cache root, where downloads go.
     *
     * @return {@code ~/.lutboost/datasets}
     */
    public static Path defaultCacheRoot() {
        return Path.of(System.getProperty("user.home"), ".lutboost", "datasets");
    }

    /**
     * Returns the cache root this locator uses.
     *
     * @return the cache root
     */
    public Path cacheRoot() {
        return cacheRoot;
    }

    /**
     * Finds a dataset.
     *
     * @param dataset the dataset
     * @param dataDir an explicit directory, tried first, or {@code null}
     * @return where it is
     * @throws DatasetException if no candidate holds all its files; the message lists the places
     *     tried and how to get the data
     */
    public DatasetLocation locate(DatasetDescriptor dataset, Path dataDir)
            throws DatasetException {
        List<String> tried = new ArrayList<>();
        if (dataDir != null) {
            Optional<Path> found = probeRoot(dataset, dataDir, tried);
            if (found.isPresent()) {
                return new DatasetLocation(found.get(), "--data-dir");
            }
            throw new DatasetException(
                    "dataset " + dataset.name() + " not found in --data-dir " + dataDir
                            + " (tried " + String.join(", ", tried) + "; needs "
                            + fileNames(dataset) + "); " + dataset.howToGet());
        }
        String envRoot = env.get(ENV_VAR);
        if (envRoot != null && !envRoot.isBlank()) {
            Optional<Path> found = probeRoot(dataset, Path.of(envRoot), tried);
            if (found.isPresent()) {
                return new DatasetLocation(found.get(), ENV_VAR);
            }
        }
        Path system = systemRoot.resolve(dataset.name());
        tried.add(system.toString());
        if (isComplete(dataset, system)) {
            return new DatasetLocation(system, "system");
        }
        Path cache = cacheRoot.resolve(dataset.name());
        tried.add(cache.toString());
        if (isComplete(dataset, cache)) {
            return new DatasetLocation(cache, "cache");
        }
        throw new DatasetException(
                "dataset " + dataset.name() + " not found (tried " + String.join(", ", tried)
                        + "; needs " + fileNames(dataset) + "); " + dataset.howToGet());
    }

    private static Optional<Path> probeRoot(
            DatasetDescriptor dataset, Path root, List<String> tried) {
        Path nested = root.resolve(dataset.name());
        tried.add(nested.toString());
        if (isComplete(dataset, nested)) {
            return Optional.of(nested);
        }
        tried.add(root.toString());
        return isComplete(dataset, root) ? Optional.of(root) : Optional.empty();
    }

    private static boolean isComplete(DatasetDescriptor dataset, Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        return dataset.allFiles().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f.name())));
    }

    private static String fileNames(DatasetDescriptor dataset) {
        return String.join(", ", dataset.allFiles().stream().map(KnownFile::name).toList());
    }
}
