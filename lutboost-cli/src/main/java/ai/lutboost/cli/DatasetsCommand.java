package ai.lutboost.cli;

import ai.lutboost.LutBoostException;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.DatasetDownloader;
import ai.lutboost.datasets.DatasetLoader;
import ai.lutboost.datasets.DatasetLocation;
import ai.lutboost.datasets.DatasetLocator;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.datasets.LabeledImages;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lutboost datasets}: where each known dataset is, and whether it checks out. */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        header = "List known datasets, where each was found, and whether it checks out.",
        description = "Looks in --data-dir, LUTBOOST_DATA, /usr/share/datasets/<name> and ~/.lutboost/datasets/<name>, "
                + "and checks every file found against its SHA-256 and its format.",
        subcommands = {DatasetsCommand.Download.class})
final class DatasetsCommand extends BaseCommand {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A directory to try first.")
    Path dataDir;

    @Override
    boolean computes() {
        return false;
    }

    @Override
    protected int doCall() {
        DatasetLocator locator = DatasetLocator.system();
        boolean allOk = true;
        out().printf(Locale.ROOT, "%-14s %-8s %-9s %s%n", "dataset", "status", "found by", "location / problem");
        for (DatasetDescriptor d : Datasets.all()) {
            try {
                DatasetLocation loc = locator.locate(d, dataDir);
                LabeledImages train = DatasetLoader.read(d, loc.directory(), false);
                LabeledImages test = DatasetLoader.read(d, loc.directory(), true);
                boolean summed = d.allFiles().stream().allMatch(f -> f.digest().isPresent());
                out().printf(Locale.ROOT, "%-14s %-8s %-9s %s (%d train, %d test; %s)%n", d.name(), "ok",
                        loc.source(), loc.directory(), train.count(), test.count(),
                        summed ? "SHA-256 verified" : "format checked, no SHA-256 on record");
            } catch (LutBoostException e) {
                allOk &= !d.name().equals(Datasets.FASHION_MNIST.name());
                out().printf(Locale.ROOT, "%-14s %-8s %-9s %s%n", d.name(), "missing", "-", e.getMessage());
            }
        }
        out().flush();
        return allOk ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    /** {@code lutboost datasets download NAME}. */
    @Command(
            name = "download",
            mixinStandardHelpOptions = true,
            header = "Download a dataset into ~/.lutboost/datasets (needs network access).",
            description = "Files are checked against their SHA-256; a failed download leaves nothing behind.")
    static final class Download extends BaseCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name, e.g. fashion-mnist.")
        String name;

        @Option(names = "--url", paramLabel = "URL",
                description = "Base URL to download from instead of the dataset's own.")
        URI url;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        boolean computes() {
            return false;
        }

        @Override
        protected int doCall() throws Exception {
            DatasetDescriptor d = Datasets.byName(name);
            Path dir = new DatasetDownloader(Duration.ofSeconds(timeoutSeconds))
                    .download(d, url, DatasetLocator.defaultCacheRoot());
            out().println("downloaded " + d.name() + " into " + dir);
            return ExitCodes.OK;
        }
    }
}
