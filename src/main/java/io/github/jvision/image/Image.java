package io.github.jvision.image;

/**
 * One image, {@code [C, H, W]} float32, row-major, values nominally in [0, 1].
 *
 * @param data     {@code C*H*W} values
 * @param channels C
 * @param height   H
 * @param width    W
 */
public record Image(float[] data, int channels, int height, int width) {
    public Image {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("image of " + channels + "x" + height + "x" + width + " needs "
                    + channels * height * width + " values; got " + data.length);
        }
    }

    /** @return the value at channel c, row y, column x */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /**
     * Writes {@code (x - mean[c]) / std[c]} for every pixel into {@code out} from {@code offset}
     * (the per-channel normalisation of torchvision's {@code Normalize}).
     *
     * @throws IllegalArgumentException if mean or std do not have one value per channel
     */
    public void normalizeInto(float[] mean, float[] std, float[] out, int offset) {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(channels + "-channel image; mean/std have " + mean.length + "/"
                    + std.length + " values");
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < plane; j++) {
                out[offset + c * plane + j] = (data[c * plane + j] - mean[c]) / std[c];
            }
        }
    }
}
