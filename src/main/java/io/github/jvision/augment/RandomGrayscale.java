package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomGrayscale(p)}: with probability {@code p}, grayscale with as many
 * (equal) channels as the input.
 *
 * @param p probability in [0, 1]
 */
public record RandomGrayscale(double p) implements Transform {
    public RandomGrayscale {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1]; got " + p);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return rng.nextDouble() < p ? Photometric.grayscale(image, image.channels()) : image;
    }
}
