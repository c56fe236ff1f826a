package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomCrop(size, padding, fill=0)}: zero-pad each side by {@code padding},
 * then crop {@code height x width} at an offset drawn uniformly from all positions.
 *
 * @param height  output height
 * @param width   output width
 * @param padding pixels of constant {@code fill} added on every side first
 * @param fill    the padding value
 */
public record RandomCrop(int height, int width, int padding, float fill) implements Transform {
    public RandomCrop {
        if (height < 1 || width < 1 || padding < 0) {
            throw new IllegalArgumentException("RandomCrop needs a positive size and padding >= 0; got "
                    + height + "x" + width + ", padding " + padding);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        int ph = image.height() + 2 * padding;
        int pw = image.width() + 2 * padding;
        if (ph < height || pw < width) {
            throw new IllegalArgumentException("RandomCrop of " + height + "x" + width + " from a padded "
                    + ph + "x" + pw + " image");
        }
        int top = rng.nextInt(ph - height + 1) - padding;
        int left = rng.nextInt(pw - width + 1) - padding;
        return Geometric.crop(image, top, left, height, width, fill);
    }
}
