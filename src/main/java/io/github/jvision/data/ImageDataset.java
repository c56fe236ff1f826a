package io.github.jvision.data;

import java.util.List;

/**
 * An in-memory labelled image data set of 8-bit pixels.
 *
 * @param name     data set name, e.g. {@code fashion-mnist/train}
 * @param pixels   {@code [N, C, H, W]} unsigned bytes (0..255), row-major
 * @param labels   class index per image, in {@code [0, classes.size())}
 * @param channels C
 * @param height   H
 * @param width    W
 * @param classes  class names, index = label
 */
public record ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                           List<String> classes) {
    public ImageDataset {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need " + expected
                    + " pixels of " + channels + "x" + height + "x" + width + "; got " + pixels.length);
        }
        for (int l : labels) {
            if (l < 0 || l >= classes.size()) {
                throw new IllegalArgumentException(name + ": label " + l + " outside [0, " + classes.size() + ")");
            }
        }
    }

    /** @return number of images */
    public int size() {
        return labels.length;
    }

    /** @return values per image, C*H*W */
    public int imageSize() {
        return channels * height * width;
    }

    /** @return the first {@code n} images (all if fewer), for quick runs and tests */
    public ImageDataset head(int n) {
        int m = Math.min(n, size());
        return new ImageDataset(name, java.util.Arrays.copyOf(pixels, m * imageSize()),
                java.util.Arrays.copyOf(labels, m), channels, height, width, classes);
    }
}
