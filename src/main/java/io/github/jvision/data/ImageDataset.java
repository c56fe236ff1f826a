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
                           List<String> classes) implements java.io.Serializable {
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

    /**
     * The images of some classes only, relabelled in the order given: {@code select([5, 7, 9])}
     * gives a 3-class data set whose label 0 is this set's class 5. For held-out-class experiments.
     *
     * @param keep class indices of this data set, each at most once
     * @throws IllegalArgumentException if an index is outside {@code [0, classes)} or repeated
     */
    public ImageDataset select(List<Integer> keep) {
        int[] newLabel = new int[classes.size()];
        java.util.Arrays.fill(newLabel, -1);
        for (int i = 0; i < keep.size(); i++) {
            int c = keep.get(i);
            if (c < 0 || c >= classes.size() || newLabel[c] >= 0) {
                throw new IllegalArgumentException(name + ": class " + c + " is outside [0, " + classes.size()
                        + ") or given twice");
            }
            newLabel[c] = i;
        }
        int n = (int) java.util.Arrays.stream(labels).filter(l -> newLabel[l] >= 0).count();
        byte[] p = new byte[n * imageSize()];
        int[] l = new int[n];
        for (int i = 0, j = 0; i < size(); i++) {
            if (newLabel[labels[i]] >= 0) {
                System.arraycopy(pixels, i * imageSize(), p, j * imageSize(), imageSize());
                l[j++] = newLabel[labels[i]];
            }
        }
        return new ImageDataset(name, p, l, channels, height, width, keep.stream().map(classes::get).toList());
    }

    /**
     * Per-channel mean and standard deviation of the pixels scaled to [0, 1] (population
     * statistics over all images and positions), the values a model trained from scratch on this
     * data set normalises with.
     *
     * @return {@code {mean[C], std[C]}}
     */
    public float[][] channelStats() {
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        int plane = height * width;
        for (int i = 0; i < pixels.length; i++) {
            double v = (pixels[i] & 0xff) / 255.0;
            int c = i / plane % channels;
            sum[c] += v;
            sq[c] += v * v;
        }
        float[][] stats = new float[2][channels];
        double n = (double) size() * plane;
        for (int c = 0; c < channels; c++) {
            double mean = sum[c] / n;
            stats[0][c] = (float) mean;
            stats[1][c] = (float) Math.sqrt(Math.max(sq[c] / n - mean * mean, 0));
        }
        return stats;
    }
}
