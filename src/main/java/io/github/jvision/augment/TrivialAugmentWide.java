package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * TrivialAugment (Müller &amp; Hutter 2021), as torchvision's {@code TrivialAugmentWide}: one
 * operation drawn uniformly from {@link RandAugment#OPS}, at a magnitude bin drawn uniformly from
 * {@code bins} in the {@link AugmentOp.Space#WIDE} space, signed ops negated with probability 1/2.
 *
 * @param bins number of magnitude bins (torchvision: 31)
 * @param mode interpolation of geometric ops (torchvision: nearest)
 * @param fill value of pixels from outside the image; null for zeros
 */
public record TrivialAugmentWide(int bins, Interpolation mode, float[] fill) implements Transform {
    public TrivialAugmentWide {
        if (bins < 2) {
            throw new IllegalArgumentException("TrivialAugmentWide needs at least 2 bins; got " + bins);
        }
    }

    /** torchvision's defaults: 31 bins, nearest, zero fill. */
    public TrivialAugmentWide() {
        this(31, Interpolation.NEAREST, null);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        AugmentOp op = RandAugment.OPS.get(rng.nextInt(RandAugment.OPS.size()));
        double m = AugmentOp.Space.WIDE.magnitude(op, rng.nextInt(bins), bins, image.height(), image.width());
        return op.apply(image, op.signed() && rng.nextBoolean() ? -m : m, mode, fill);
    }
}
