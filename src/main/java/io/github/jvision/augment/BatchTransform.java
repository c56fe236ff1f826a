package io.github.jvision.augment;

import java.util.random.RandomGenerator;

/**
 * A transform of a whole batch that owns its targets (MixUp, CutMix): it mixes images and soft
 * targets together, in place. It runs after the per-image transforms and after normalisation
 * (both mixes commute with the per-channel affine normalisation), with its own random stream.
 */
@FunctionalInterface
public interface BatchTransform {

    /**
     * One batch, as flat row-major arrays.
     *
     * @param x images {@code [N, C, H, W]}
     * @param y targets {@code [N, K]}, one-hot or soft (label smoothing composes: both are linear)
     */
    record Batch(float[] x, float[] y, int n, int c, int h, int w, int k) {
        public Batch {
            if (x.length != n * c * h * w || y.length != n * k) {
                throw new IllegalArgumentException("batch arrays do not match [" + n + ", " + c + ", " + h + ", " + w
                        + "] and [" + n + ", " + k + "]: " + x.length + " and " + y.length + " values");
            }
        }
    }

    /** Mixes {@code batch} in place, drawing every random choice from {@code rng}. */
    void apply(Batch batch, RandomGenerator rng);

    /** Leaves every batch as it is. */
    static BatchTransform none() {
        return (batch, rng) -> {
        };
    }

    /**
     * MixUp with {@code mixupAlpha}, CutMix with {@code cutmixAlpha}, or, when both are positive,
     * one of the two chosen per batch with probability 1/2 (torchvision's reference recipe,
     * {@code RandomChoice([MixUp, CutMix])}); 0 switches one off.
     *
     * @throws IllegalArgumentException if an alpha is negative
     */
    static BatchTransform of(double mixupAlpha, double cutmixAlpha) {
        if (!(mixupAlpha >= 0 && cutmixAlpha >= 0)) {
            throw new IllegalArgumentException("MixUp and CutMix alphas must be >= 0; got " + mixupAlpha + " and " + cutmixAlpha);
        }
        if (mixupAlpha > 0 && cutmixAlpha > 0) {
            BatchTransform m = new MixUp(mixupAlpha), c = new CutMix(cutmixAlpha);
            return (batch, rng) -> (rng.nextBoolean() ? m : c).apply(batch, rng);
        }
        return mixupAlpha > 0 ? new MixUp(mixupAlpha) : cutmixAlpha > 0 ? new CutMix(cutmixAlpha) : none();
    }

    /** A Beta(a, a) draw, as {@code Gamma(a) / (Gamma(a) + Gamma(a))}. */
    static double beta(double a, RandomGenerator rng) {
        double g1 = gamma(a, rng), g2 = gamma(a, rng);
        return g1 / (g1 + g2);
    }

    /**
     * A Gamma(a, 1) draw by Marsaglia and Tsang's method (ACM TOMS 26(3), 2000), with the
     * {@code U^(1/a)} boost for a &lt; 1.
     */
    private static double gamma(double a, RandomGenerator rng) {
        if (a < 1) {
            return gamma(a + 1, rng) * Math.pow(rng.nextDouble(), 1 / a);
        }
        double d = a - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z, v;
            do {
                z = rng.nextGaussian();
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
