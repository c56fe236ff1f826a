package io.github.jvision.augment;

import java.util.random.RandomGenerator;

/**
 * MixUp (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization"), as torchvision's
 * {@code v2.MixUp(alpha)}: one {@code lambda ~ Beta(alpha, alpha)} per batch, and every sample i
 * mixed with its neighbour in the batch rolled by one (sample {@code i - 1}, the last for the
 * first): {@code x_i = lambda x_i + (1 - lambda) x_(i-1)}, and the targets alike. A batch of one
 * is mixed with itself, so it is unchanged.
 *
 * @param alpha Beta parameter, > 0 (torchvision's recipe: 0.2)
 */
public record MixUp(double alpha) implements BatchTransform {
    public MixUp {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("MixUp alpha must be > 0; got " + alpha);
        }
    }

    @Override
    public void apply(Batch batch, RandomGenerator rng) {
        mix(batch, BatchTransform.beta(alpha, rng));
    }

    /** Mixes every sample with its predecessor, in place, with weight {@code lambda} on itself. */
    public static void mix(Batch b, double lambda) {
        blend(b.x(), b.n(), b.c() * b.h() * b.w(), lambda);
        blend(b.y(), b.n(), b.k(), lambda);
    }

    /** rows[i] = lambda rows[i] + (1 - lambda) rows[i - 1] for n rows of {@code len}, from the original rows. */
    static void blend(float[] a, int n, int len, double lambda) {
        float[] rolled = new float[a.length];
        System.arraycopy(a, 0, rolled, len, (n - 1) * len);
        System.arraycopy(a, (n - 1) * len, rolled, 0, len);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (lambda * a[i] + (1 - lambda) * rolled[i]);
        }
    }
}
