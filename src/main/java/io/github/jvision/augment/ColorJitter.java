package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)}: factors drawn uniformly
 * from {@code [max(0, 1 - b), 1 + b]} (and the hue shift from {@code [-hue, hue]}), applied in a
 * random order; a 0 switches that adjustment off.
 *
 * @param brightness brightness spread, >= 0
 * @param contrast   contrast spread, >= 0
 * @param saturation saturation spread, >= 0
 * @param hue        hue spread in turns, in [0, 0.5]
 */
public record ColorJitter(double brightness, double contrast, double saturation, double hue) implements Transform {
    public ColorJitter {
        if (!(brightness >= 0 && contrast >= 0 && saturation >= 0 && hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("ColorJitter needs spreads >= 0 and hue <= 0.5; got " + brightness + ", "
                    + contrast + ", " + saturation + ", " + hue);
        }
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) { // a random permutation, as torch.randperm(4)
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = factor(brightness, rng), c = factor(contrast, rng), s = factor(saturation, rng);
        double h = hue > 0 ? Draw.uniform(rng, -hue, hue) : 0;
        Image x = image;
        for (int op : order) {
            x = switch (op) {
                case 0 -> brightness > 0 ? Photometric.adjustBrightness(x, b) : x;
                case 1 -> contrast > 0 ? Photometric.adjustContrast(x, c) : x;
                case 2 -> saturation > 0 ? Photometric.adjustSaturation(x, s) : x;
                default -> hue > 0 ? Photometric.adjustHue(x, h) : x;
            };
        }
        return x;
    }

    private static double factor(double spread, RandomGenerator rng) {
        return spread > 0 ? Draw.uniform(rng, Math.max(0, 1 - spread), 1 + spread) : 1;
    }
}
