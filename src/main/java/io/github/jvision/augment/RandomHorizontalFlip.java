package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomHorizontalFlip(p)}: mirror left-right with probability {@code p}.
 *
 * @param p flip probability in [0, 1]
 */
public record RandomHorizontalFlip(double p) implements Transform {
    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1]; got " + p);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return rng.nextDouble() < p ? flip(image) : image;
    }

    /** @return {@code image} mirrored left-right */
    public static Image flip(Image image) {
        int w = image.width();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new Image(out, image.channels(), image.height(), w);
    }
}
