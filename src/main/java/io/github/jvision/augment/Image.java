package io.github.jvision.augment;

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
}
