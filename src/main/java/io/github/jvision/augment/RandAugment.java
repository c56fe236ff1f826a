package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * RandAugment (Cubuk et al. 2019), as torchvision's {@code RandAugment(num_ops, magnitude,
 * num_magnitude_bins)}: {@code numOps} operations drawn uniformly with replacement from
 * {@link #OPS}, all at magnitude bin {@code magnitude} of {@code bins} in the
 * {@link AugmentOp.Space#STANDARD} space (so m = 9 of 31 bins is 9/30 of each range), signed ops
 * negated with probability 1/2. timm's spec {@code rand-m9-n2} is {@code new RandAugment(2, 9)}.
 *
 * @param numOps    operations per image, >= 0 (torchvision: 2)
 * @param magnitude magnitude bin, in [0, bins) (torchvision: 9)
 * @param bins      number of magnitude bins (torchvision: 31)
 * @param mode      interpolation of geometric ops (torchvision: nearest)
 * @param fill      value of pixels from outside the image; null for zeros
 */
public record RandAugment(int numOps, int magnitude, int bins, Interpolation mode, float[] fill) implements Transform {
    /** torchvision's operation list for RandAugment and TrivialAugmentWide (no Invert). */
    public static final List<AugmentOp> OPS = List.of(AugmentOp.IDENTITY, AugmentOp.SHEAR_X, AugmentOp.SHEAR_Y,
            AugmentOp.TRANSLATE_X, AugmentOp.TRANSLATE_Y, AugmentOp.ROTATE, AugmentOp.BRIGHTNESS, AugmentOp.COLOR,
            AugmentOp.CONTRAST, AugmentOp.SHARPNESS, AugmentOp.POSTERIZE, AugmentOp.SOLARIZE,
            AugmentOp.AUTO_CONTRAST, AugmentOp.EQUALIZE);

    public RandAugment {
        if (numOps < 0 || bins < 2 || magnitude < 0 || magnitude >= bins) {
            throw new IllegalArgumentException("RandAugment needs numOps >= 0 and a magnitude in [0, " + (bins - 1)
                    + "]; got numOps " + numOps + ", magnitude " + magnitude + " of " + bins + " bins");
        }
    }

    /** {@code numOps} operations at bin {@code magnitude} of 31, nearest interpolation, zero fill. */
    public RandAugment(int numOps, int magnitude) {
        this(numOps, magnitude, 31, Interpolation.NEAREST, null);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        Image x = image;
        for (int i = 0; i < numOps; i++) {
            AugmentOp op = OPS.get(rng.nextInt(OPS.size()));
            double m = AugmentOp.Space.STANDARD.magnitude(op, magnitude, bins, x.height(), x.width());
            x = op.apply(x, op.signed() && rng.nextBoolean() ? -m : m, mode, fill);
        }
        return x;
    }
}
