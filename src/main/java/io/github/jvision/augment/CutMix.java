package io.github.jvision.augment;

import java.util.random.RandomGenerator;

/**
 * CutMix (Yun et al. 2019), as torchvision's {@code v2.CutMix(alpha)}: one
 * {@code lambda ~ Beta(alpha, alpha)} per batch and a box centred at a uniformly drawn pixel, with
 * half-sides {@code int(0.5 sqrt(1 - lambda) W)} and {@code int(0.5 sqrt(1 - lambda) H)}, clipped
 * to the image; every sample's box is replaced by the same box of its neighbour in the batch
 * rolled by one (sample {@code i - 1}). The targets mix with the area actually pasted:
 * {@code lambda' = 1 - box area / (H W)} (known faults C01 and C02).
 *
 * @param alpha Beta parameter, > 0 (torchvision's recipe: 1.0)
 */
public record CutMix(double alpha) implements BatchTransform {
    public CutMix {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("CutMix alpha must be > 0; got " + alpha);
        }
    }

    @Override
    public void apply(Batch batch, RandomGenerator rng) {
        double lambda = BatchTransform.beta(alpha, rng);
        cut(batch, lambda, rng.nextInt(batch.h()), rng.nextInt(batch.w()));
    }

    /**
     * Pastes the box centred at ({@code row}, {@code col}) for {@code lambda} from each sample's
     * predecessor, in place, and mixes the targets.
     *
     * @return the effective lambda, the share of every image that is its own
     */
    public static double cut(Batch b, double lambda, int row, int col) {
        int halfH = (int) (0.5 * Math.sqrt(1 - lambda) * b.h());
        int halfW = (int) (0.5 * Math.sqrt(1 - lambda) * b.w());
        int y1 = Math.max(row - halfH, 0), y2 = Math.min(row + halfH, b.h());
        int x1 = Math.max(col - halfW, 0), x2 = Math.min(col + halfW, b.w());
        int n = b.n(), plane = b.h() * b.w(), image = b.c() * plane;
        float[] x = b.x(), original = x.clone();
        for (int i = 0; i < n; i++) {
            int from = ((i - 1 + n) % n) * image, to = i * image;
            for (int c = 0; c < b.c(); c++) {
                for (int y = y1; y < y2; y++) {
                    int offset = c * plane + y * b.w();
                    System.arraycopy(original, from + offset + x1, x, to + offset + x1, x2 - x1);
                }
            }
        }
        double effective = 1 - (double) (y2 - y1) * (x2 - x1) / plane;
        MixUp.blend(b.y(), n, b.k(), effective);
        return effective;
    }
}
