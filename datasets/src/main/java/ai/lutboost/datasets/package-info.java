/**
 * Image datasets as DJL {@code RandomAccessDataset}s: IDX and CIFAR-10 readers, location,
 * checksums and optional download.
 */
package ai.lutboost.datasets;
