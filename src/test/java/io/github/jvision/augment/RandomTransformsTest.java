package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The random parts, statistically: the distributions torchvision's samplers define, checked on
 * many draws (fixed seeds, so the tests are repeatable; bounds at several standard errors).
 */
class RandomTransformsTest {

    private static Image ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 97) / 96f;
        }
        return new Image(d, c, h, w);
    }

    /**
     * RandomResizedCrop on a 1000x1000 image, against torchvision's own {@code get_params} over
     * 100,000 draws: mean area fraction 0.478, 27.9% of windows below 0.3, mean log aspect 0.
     * (Not uniform's 0.54: large windows with a ratio away from 1 do not fit and are drawn again.)
     */
    @Test
    void randomResizedCropAreaAndAspect() {
        var t = new RandomResizedCrop(8, 8);
        RandomGenerator rng = new SplittableRandom(1);
        int n = 20_000;
        double area = 0, logAspect = 0, below = 0;
        for (int i = 0; i < n; i++) {
            int[] box = t.window(1000, 1000, rng);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 1000 && box[1] + box[3] <= 1000);
            double a = box[2] * (double) box[3] / 1e6;
            area += a;
            below += a < 0.3 ? 1 : 0;
            logAspect += Math.log((double) box[3] / box[2]);
        }
        assertEquals(0.478, area / n, 0.006); // standard error about 0.002
        assertEquals(0.279, below / n, 0.01);
        assertEquals(0.0, logAspect / n, 0.005);
    }

    /** The fallback after ten misses: the largest central window within the ratio range (torchvision's). */
    @Test
    void randomResizedCropFallsBackToTheCentre() {
        // a 10x100 strip: no window of ratio <= 4/3 with area >= 8% fits ten times in a row is likely; force it with scale 1
        var t = new RandomResizedCrop(4, 4, 1.0, 1.0, 0.75, 4.0 / 3, Interpolation.BILINEAR, true);
        int[] box = t.window(10, 100, new SplittableRandom(3));
        // in_ratio 10 > 4/3: h = 10, w = round(10 * 4/3) = 13, centred: left (100 - 13) / 2 = 43
        assertArrayEquals(new int[]{0, 43, 10, 13}, box);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.3, 0.5, 1.0})
    void flipsHappenAtRateP(double p) {
        Image x = ramp(1, 3, 5);
        RandomGenerator rng = new SplittableRandom(7);
        int n = 10_000, h = 0, v = 0;
        for (int i = 0; i < n; i++) {
            h += new RandomHorizontalFlip(p).apply(x, rng) != x ? 1 : 0;
            v += new RandomVerticalFlip(p).apply(x, rng) != x ? 1 : 0;
        }
        assertEquals(p, h / (double) n, 0.015);
        assertEquals(p, v / (double) n, 0.015);
    }

    /** RandomErasing: erased with probability p, the rectangle's area fraction within (0.02, 0.33). */
    @Test
    void randomErasingRateAndArea() {
        Image x = new Image(filled(3 * 40 * 50, 0.5f), 3, 40, 50);
        RandomGenerator rng = new SplittableRandom(11);
        int n = 4000, erased = 0;
        for (int i = 0; i < n; i++) {
            Image y = new RandomErasing(0.25, 0.02, 0.33, 0.3, 3.3, 0f).apply(x, rng);
            int zeros = 0;
            for (float f : y.data()) {
                zeros += f == 0f ? 1 : 0;
            }
            if (zeros > 0) {
                erased++;
                double frac = zeros / 3.0 / (40 * 50);
                assertTrue(frac > 0.015 && frac < 0.36, "area fraction " + frac); // 0.02 .. 0.33 before rounding the sides
            }
        }
        assertEquals(0.25, erased / (double) n, 0.025); // a few of the 10 tries all miss on a 40x50 image
    }

    /** ColorJitter's factors stay in [1 - b, 1 + b]: brightness alone on a flat 0.5 image gives 0.5 * factor. */
    @Test
    void colorJitterFactorRange() {
        Image x = new Image(filled(3 * 4 * 4, 0.5f), 3, 4, 4);
        RandomGenerator rng = new SplittableRandom(5);
        double min = 1, max = 0, sum = 0;
        int n = 5000;
        for (int i = 0; i < n; i++) {
            float v = new ColorJitter(0.4, 0, 0, 0).apply(x, rng).get(0, 0, 0) / 0.5f;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertTrue(min >= 0.6 - 1e-6 && min < 0.62 && max <= 1.4 + 1e-6 && max > 1.38, min + " .. " + max);
        assertEquals(1.0, sum / n, 0.01);
    }

    /** Every policy keeps the shape and the range [0, 1], on RGB and grayscale images, and differs from the input. */
    @Test
    void policiesKeepShapeAndRange() {
        RandomGenerator rng = new SplittableRandom(9);
        for (Transform t : new Transform[]{new RandAugment(2, 9), new TrivialAugmentWide(), new AutoAugment(),
                Augmentations.parse("crop-flip+rand-m9-n2+erase-0.25", 28, 28)}) {
            for (int c : new int[]{1, 3}) {
                Image x = ramp(c, 28, 28);
                int changed = 0;
                for (int i = 0; i < 200; i++) {
                    Image y = t.apply(x, rng);
                    assertEquals(java.util.List.of(c, 28, 28), java.util.List.of(y.channels(), y.height(), y.width()));
                    for (float f : y.data()) {
                        assertTrue(f >= 0 && f <= 1, t + ": " + f);
                    }
                    changed += java.util.Arrays.equals(x.data(), y.data()) ? 0 : 1;
                }
                assertTrue(changed > 100, t + " changed only " + changed + " of 200");
            }
        }
    }

    private static float[] filled(int n, float v) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, v);
        return d;
    }
}
