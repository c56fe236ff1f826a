package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code Resize}: to {@code height x width}, or with {@code width} 0, the smaller
 * edge to {@code height} keeping the aspect ratio (the longer edge {@code int(size * long / short)},
 * truncated as torchvision).
 *
 * @param height    output height, or the smaller edge's length when width is 0
 * @param width     output width, or 0
 * @param mode      interpolation
 * @param antialias filter when shrinking (bilinear and bicubic)
 */
public record Resize(int height, int width, Interpolation mode, boolean antialias) implements Transform {
    public Resize {
        if (height < 1 || width < 0) {
            throw new IllegalArgumentException("Resize needs a positive size; got " + height + "x" + width);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        if (width > 0) {
            return Geometric.resize(image, height, width, mode, antialias);
        }
        int h = image.height(), w = image.width();
        return h <= w ? Geometric.resize(image, height, (int) ((long) height * w / h), mode, antialias)
                : Geometric.resize(image, (int) ((long) height * h / w), height, mode, antialias);
    }
}
