package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomAffine(degrees, translate, scale, shear, interpolation, fill)} and, with
 * only {@code degrees}, {@code RandomRotation}: an angle uniform in {@code [-degrees, degrees]},
 * translations of up to {@code translate * W} and {@code * H} pixels (rounded), a scale uniform
 * in [minScale, maxScale] and an x-shear uniform in {@code [-shear, shear]} degrees.
 *
 * @param degrees   rotation spread in degrees, >= 0
 * @param translate largest translation as a fraction of the size, in [0, 1]
 * @param minScale  smallest scale, > 0
 * @param maxScale  largest scale
 * @param shear     x-shear spread in degrees, >= 0
 * @param mode      nearest or bilinear
 * @param fill      value of pixels from outside the image, one per channel or one for all; null for zeros
 */
public record RandomAffine(double degrees, double translate, double minScale, double maxScale, double shear,
                           Interpolation mode, float[] fill) implements Transform {
    public RandomAffine {
        if (!(degrees >= 0 && translate >= 0 && translate <= 1 && minScale > 0 && minScale <= maxScale && shear >= 0)) {
            throw new IllegalArgumentException("RandomAffine needs degrees >= 0, translate in [0, 1], 0 < scale0 <= scale1, shear >= 0");
        }
    }

    /** torchvision's {@code RandomRotation(degrees)}: nearest interpolation, zero fill. */
    public static RandomAffine rotation(double degrees) {
        return new RandomAffine(degrees, 0, 1, 1, 0, Interpolation.NEAREST, null);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        double angle = Draw.uniform(rng, -degrees, degrees);
        double maxDx = Math.rint(translate * image.width()), maxDy = Math.rint(translate * image.height());
        double tx = translate > 0 ? Math.rint(Draw.uniform(rng, -maxDx, maxDx)) : 0;
        double ty = translate > 0 ? Math.rint(Draw.uniform(rng, -maxDy, maxDy)) : 0;
        double scale = Draw.uniform(rng, minScale, maxScale);
        double sx = shear > 0 ? Draw.uniform(rng, -shear, shear) : 0;
        if (translate == 0 && minScale == 1 && maxScale == 1 && shear == 0) {
            return Geometric.rotate(image, angle, mode, fill); // RandomRotation: counter-clockwise
        }
        return Geometric.affine(image, angle, tx, ty, scale, sx, 0, mode, fill, null);
    }
}
