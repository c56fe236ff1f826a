package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.List;
import java.util.random.RandomGenerator;

import static io.github.jvision.augment.AugmentOp.*;

/**
 * AutoAugment (Cubuk et al. 2018, "AutoAugment: Learning Augmentation Policies from Data",
 * appendix table 9), as torchvision's {@code AutoAugment(AutoAugmentPolicy.IMAGENET)}: one of
 * the 25 learned sub-policies drawn uniformly, each of its two operations applied with its
 * probability at its magnitude bin of 10 in the {@link AugmentOp.Space#STANDARD} space, signed
 * ops negated with probability 1/2.
 *
 * @param mode interpolation of geometric ops (torchvision: nearest)
 * @param fill value of pixels from outside the image; null for zeros
 */
public record AutoAugment(Interpolation mode, float[] fill) implements Transform {
    /** Magnitude bins of AutoAugment's ranges. */
    public static final int BINS = 10;

    /** One operation of a sub-policy: applied with probability p at magnitude bin {@code bin} (-1: none). */
    public record Step(AugmentOp op, double p, int bin) {
    }

    /** The ImageNet policy: 25 sub-policies of two steps, in torchvision's order. */
    public static final List<List<Step>> IMAGENET = List.of(
            List.of(s(POSTERIZE, 0.4, 8), s(ROTATE, 0.6, 9)),
            List.of(s(SOLARIZE, 0.6, 5), s(AUTO_CONTRAST, 0.6, -1)),
            List.of(s(EQUALIZE, 0.8, -1), s(EQUALIZE, 0.6, -1)),
            List.of(s(POSTERIZE, 0.6, 7), s(POSTERIZE, 0.6, 6)),
            List.of(s(EQUALIZE, 0.4, -1), s(SOLARIZE, 0.2, 4)),
            List.of(s(EQUALIZE, 0.4, -1), s(ROTATE, 0.8, 8)),
            List.of(s(SOLARIZE, 0.6, 3), s(EQUALIZE, 0.6, -1)),
            List.of(s(POSTERIZE, 0.8, 5), s(EQUALIZE, 1.0, -1)),
            List.of(s(ROTATE, 0.2, 3), s(SOLARIZE, 0.6, 8)),
            List.of(s(EQUALIZE, 0.6, -1), s(POSTERIZE, 0.4, 6)),
            List.of(s(ROTATE, 0.8, 8), s(COLOR, 0.4, 0)),
            List.of(s(ROTATE, 0.4, 9), s(EQUALIZE, 0.6, -1)),
            List.of(s(EQUALIZE, 0.0, -1), s(EQUALIZE, 0.8, -1)),
            List.of(s(INVERT, 0.6, -1), s(EQUALIZE, 1.0, -1)),
            List.of(s(COLOR, 0.6, 4), s(CONTRAST, 1.0, 8)),
            List.of(s(ROTATE, 0.8, 8), s(COLOR, 1.0, 2)),
            List.of(s(COLOR, 0.8, 8), s(SOLARIZE, 0.8, 7)),
            List.of(s(SHARPNESS, 0.4, 7), s(INVERT, 0.6, -1)),
            List.of(s(SHEAR_X, 0.6, 5), s(EQUALIZE, 1.0, -1)),
            List.of(s(COLOR, 0.4, 0), s(EQUALIZE, 0.6, -1)),
            List.of(s(EQUALIZE, 0.4, -1), s(SOLARIZE, 0.2, 4)),
            List.of(s(SOLARIZE, 0.6, 5), s(AUTO_CONTRAST, 0.6, -1)),
            List.of(s(INVERT, 0.6, -1), s(EQUALIZE, 1.0, -1)),
            List.of(s(COLOR, 0.6, 4), s(CONTRAST, 1.0, 8)),
            List.of(s(EQUALIZE, 0.8, -1), s(EQUALIZE, 0.6, -1)));

    /** torchvision's defaults: nearest, zero fill. */
    public AutoAugment() {
        this(Interpolation.NEAREST, null);
    }

    private static Step s(AugmentOp op, double p, int bin) {
        return new Step(op, p, bin);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        Image x = image;
        for (Step step : IMAGENET.get(rng.nextInt(IMAGENET.size()))) {
            double draw = rng.nextDouble();
            boolean negate = rng.nextBoolean();
            if (draw <= step.p()) {
                double m = step.bin() < 0 ? 0
                        : AugmentOp.Space.STANDARD.magnitude(step.op(), step.bin(), BINS, x.height(), x.width());
                x = step.op().apply(x, step.op().signed() && negate ? -m : m, mode, fill);
            }
        }
        return x;
    }
}
