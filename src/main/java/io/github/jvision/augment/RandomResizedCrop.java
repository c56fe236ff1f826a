package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio, interpolation, antialias)}: a window
 * covering a random fraction of the area (uniform in {@code scale}) with a random aspect ratio
 * (log-uniform in {@code ratio}), resized to {@code height x width}. As torchvision, ten tries
 * for a window that fits, then the largest central window within the ratio range.
 *
 * @param height     output height
 * @param width      output width
 * @param minScale   smallest area fraction (torchvision: 0.08)
 * @param maxScale   largest area fraction (1)
 * @param minRatio   smallest aspect ratio w/h (3/4)
 * @param maxRatio   largest aspect ratio (4/3)
 * @param mode       interpolation (torchvision: bilinear)
 * @param antialias  filter when shrinking
 */
public record RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio,
                                double maxRatio, Interpolation mode, boolean antialias) implements Transform {
    public RandomResizedCrop {
        if (height < 1 || width < 1 || !(minScale > 0 && minScale <= maxScale) || !(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("RandomResizedCrop needs a positive size, 0 < scale0 <= scale1 and 0 < ratio0 <= ratio1; got "
                    + height + "x" + width + ", scale (" + minScale + ", " + maxScale + "), ratio (" + minRatio + ", " + maxRatio + ")");
        }
    }

    /** torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3), bilinear, antialiased. */
    public RandomResizedCrop(int height, int width) {
        this(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, Interpolation.BILINEAR, true);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        int[] box = window(image.height(), image.width(), rng);
        return Geometric.resizedCrop(image, box[0], box[1], box[2], box[3], height, width, mode, antialias);
    }

    /** @return {@code {top, left, height, width}} of the window for an {@code h x w} image, as torchvision's {@code get_params} */
    public int[] window(int h, int w, RandomGenerator rng) {
        double area = (double) h * w;
        double logMin = Math.log(minRatio), logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * Draw.uniform(rng, minScale, maxScale);
            double aspect = Math.exp(Draw.uniform(rng, logMin, logMax));
            int cw = (int) Math.rint(Math.sqrt(target * aspect));
            int ch = (int) Math.rint(Math.sqrt(target / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                return new int[]{rng.nextInt(h - ch + 1), rng.nextInt(w - cw + 1), ch, cw};
            }
        }
        double inRatio = (double) w / h;
        int cw = w, ch = h;
        if (inRatio < minRatio) {
            ch = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            cw = (int) Math.rint(h * maxRatio);
        }
        return new int[]{(h - ch) / 2, (w - cw) / 2, ch, cw};
    }
}
