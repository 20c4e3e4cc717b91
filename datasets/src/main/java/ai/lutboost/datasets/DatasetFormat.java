package ai.lutboost.datasets;

/** The on-disk format of an image classification dataset. */
public enum DatasetFormat {
    /** IDX files (MNIST, Fashion-MNIST): separate image and label files per split. */
    IDX,
    /** CIFAR-10's binary version: records of one label byte and 3072 pixel bytes. */
    CIFAR10_BINARY
}
