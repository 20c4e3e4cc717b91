package ai.lutboost.datasets;

import java.nio.file.Path;

/**
 * Where a dataset was found, and by which rule.
 *
 * @param directory the directory holding the dataset's files
 * @param source which rule found it: {@code --data-dir}, {@code LUTBOOST_DATA}, {@code system}
 *     (Debian's packages) or {@code cache}
 */
public record DatasetLocation(Path directory, String source) {}
