package ai.lutboost.datasets;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The datasets LUTBoost knows by name. */
public final class Datasets {

    /**
     * Fashion-MNIST: 70,000 28x28 grey images of clothing in 10 classes. Debian ships it as the
     * package {@code dataset-fashion-mnist}; the sums are those of the files it installs, which
     * are the files the dataset's authors publish.
     */
    public static final DatasetDescriptor FASHION_MNIST =
            new DatasetDescriptor(
                    "fashion-mnist",
                    DatasetFormat.IDX,
                    List.of(
                            new KnownFile(
                                    "train-images-idx3-ubyte.gz",
                                    "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                            new KnownFile(
                                    "train-labels-idx1-ubyte.gz",
                                    "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056")),
                    List.of(
                            new KnownFile(
                                    "t10k-images-idx3-ubyte.gz",
                                    "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                            new KnownFile(
                                    "t10k-labels-idx1-ubyte.gz",
                                    "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")),
                    List.of(
                            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                            "Shirt", "Sneaker", "Bag", "Ankle boot"),
                    1,
                    28,
                    28,
                    new float[] {0.2860f},
                    new float[] {0.3530f},
                    "install Debian's package with 'sudo apt-get install dataset-fashion-mnist',"
                            + " or run 'lutboost datasets download fashion-mnist'",
                    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /**
     * MNIST: 70,000 28x28 grey images of handwritten digits. No SHA-256 is on record here, so its
     * files are checked for structure only.
     */
    public static final DatasetDescriptor MNIST =
            new DatasetDescriptor(
                    "mnist",
                    DatasetFormat.IDX,
                    List.of(
                            new KnownFile("train-images-idx3-ubyte.gz", null),
                            new KnownFile("train-labels-idx1-ubyte.gz", null)),
                    List.of(
                            new KnownFile("t10k-images-idx3-ubyte.gz", null),
                            new KnownFile("t10k-labels-idx1-ubyte.gz", null)),
                    List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                    1,
                    28,
                    28,
                    new float[] {0.1307f},
                    new float[] {0.3081f},
                    "copy the four MNIST IDX files into the directory, or pass --data-dir",
                    null);

    /**
     * CIFAR-10, binary version: users bring their own copy (the five training batches and the
     * test batch). No SHA-256 is on record here, so its files are checked for structure only.
     */
    public static final DatasetDescriptor CIFAR10 =
            new DatasetDescriptor(
                    "cifar10",
                    DatasetFormat.CIFAR10_BINARY,
                    List.of(
                            new KnownFile("data_batch_1.bin", null),
                            new KnownFile("data_batch_2.bin", null),
                            new KnownFile("data_batch_3.bin", null),
                            new KnownFile("data_batch_4.bin", null),
                            new KnownFile("data_batch_5.bin", null)),
                    List.of(new KnownFile("test_batch.bin", null)),
                    List.of(
                            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                            "horse", "ship", "truck"),
                    3,
                    32,
                    32,
                    new float[] {0.4914f, 0.4822f, 0.4465f},
                    new float[] {0.2470f, 0.2435f, 0.2616f},
                    "extract CIFAR-10's binary version (cifar-10-batches-bin) into the directory,"
                            + " or pass --data-dir",
                    null);

    private static final Map<String, DatasetDescriptor> BY_NAME =
            List.of(FASHION_MNIST, MNIST, CIFAR10).stream()
                    .collect(Collectors.toUnmodifiableMap(DatasetDescriptor::name, d -> d));

    private Datasets() {}

    /**
     * Returns every known dataset.
     *
     * @return the descriptors, in a stable order
     */
    public static List<DatasetDescriptor> all() {
        return List.of(FASHION_MNIST, MNIST, CIFAR10);
    }

    /**
     * Finds a dataset by name.
     *
     * @param name the name, case-insensitive
     * @return the descriptor
     * @throws DatasetException if no dataset has that name
     */
    public static DatasetDescriptor byName(String name) throws DatasetException {
        DatasetDescriptor d = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new DatasetException(
                    "unknown dataset '" + name + "', expected one of " + BY_NAME.keySet().stream()
                            .sorted().toList());
        }
        return d;
    }
}
