package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomVerticalFlip(p)}: mirror top-bottom with probability {@code p}.
 *
 * @param p flip probability in [0, 1]
 */
public record RandomVerticalFlip(double p) implements Transform {
    public RandomVerticalFlip {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1]; got " + p);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return rng.nextDouble() < p ? Geometric.vflip(image) : image;
    }
}
