package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomErasing(p, scale, ratio, value)} (Zhong et al. 2017): with probability
 * p, a rectangle of random area fraction (uniform in [minScale, maxScale]) and aspect ratio
 * (log-uniform in [minRatio, maxRatio]) is set to {@code value}; ten tries to fit it, else the
 * image is unchanged. jvision's transforms run before normalisation, so value 0 is black (after
 * torchvision's {@code Normalize} it would be the mean colour: pass the mean for that).
 *
 * @param p        probability in [0, 1] (torchvision: 0.5)
 * @param minScale smallest area fraction (0.02)
 * @param maxScale largest area fraction (0.33)
 * @param minRatio smallest aspect ratio h/w (0.3)
 * @param maxRatio largest aspect ratio (3.3)
 * @param value    the erased value, in [0, 1]
 */
public record RandomErasing(double p, double minScale, double maxScale, double minRatio, double maxRatio,
                            float value) implements Transform {
    public RandomErasing {
        if (!(p >= 0 && p <= 1 && minScale > 0 && minScale <= maxScale && maxScale <= 1 && minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("RandomErasing needs p in [0, 1], 0 < scale0 <= scale1 <= 1, 0 < ratio0 <= ratio1");
        }
    }

    /** torchvision's defaults with probability {@code p}: scale (0.02, 0.33), ratio (0.3, 3.3), value 0. */
    public RandomErasing(double p) {
        this(p, 0.02, 0.33, 0.3, 3.3, 0f);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        if (rng.nextDouble() >= p) {
            return image;
        }
        int h = image.height(), w = image.width();
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * Draw.uniform(rng, minScale, maxScale);
            double aspect = Math.exp(Draw.uniform(rng, Math.log(minRatio), Math.log(maxRatio)));
            int eh = (int) Math.rint(Math.sqrt(target * aspect));
            int ew = (int) Math.rint(Math.sqrt(target / aspect));
            if (eh >= h || ew >= w || eh < 1 || ew < 1) {
                continue;
            }
            int top = rng.nextInt(h - eh + 1), left = rng.nextInt(w - ew + 1);
            float[] out = image.data().clone();
            for (int c = 0; c < image.channels(); c++) {
                for (int y = top; y < top + eh; y++) {
                    java.util.Arrays.fill(out, (c * h + y) * w + left, (c * h + y) * w + left + ew, value);
                }
            }
            return new Image(out, image.channels(), h, w);
        }
        return image;
    }
}
