package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code CenterCrop(size)} (see {@link Geometric#centerCrop}).
 *
 * @param height output height
 * @param width  output width
 */
public record CenterCrop(int height, int width) implements Transform {
    public CenterCrop {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("CenterCrop needs a positive size; got " + height + "x" + width);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Geometric.centerCrop(image, height, width);
    }
}
