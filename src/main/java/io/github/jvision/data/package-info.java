/**
 * Data sets and batching: the IDX reader, the named data set {@code fashion-mnist} (located,
 * or downloaded and verified), and the prefetching mini-batch loader that feeds DL4J with
 * normalised {@code [N, C, H, W]} float32 features and {@code [N, K]} targets.
 */
package io.github.jvision.data;
