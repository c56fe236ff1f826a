package io.github.jvision.augment;

import io.github.jvision.image.Image;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TransformsTest {

    private static Image ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return new Image(d, c, h, w);
    }

    @Test
    void flipMirrorsRows() {
        Image x = ramp(2, 2, 3); // channel 0: [[0,1,2],[3,4,5]]
        Image y = Geometric.hflip(x);
        assertArrayEquals(new float[]{2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}, y.data());
    }

    @Test
    void flipRateIsP() {
        var flip = new RandomHorizontalFlip(0.3);
        Image x = ramp(1, 1, 2);
        var rng = new SplittableRandom(1);
        int flipped = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            if (flip.apply(x, rng).data()[0] == 1f) {
                flipped++;
            }
        }
        // binomial sd = sqrt(0.3*0.7/20000) = 0.0032; allow 4 sd
        assertEquals(0.3, flipped / (double) n, 0.013);
    }

    @Test
    void cropOutsideTheImageTakesTheFill() {
        Image x = ramp(1, 3, 3); // [[0,1,2],[3,4,5],[6,7,8]]
        Image y = Geometric.crop(x, -1, 1, 3, 3, -1f);
        assertArrayEquals(new float[]{-1, -1, -1, 1, 2, -1, 4, 5, -1}, y.data());
    }

    @Test
    void randomCropCoversEveryOffset() {
        var crop = new RandomCrop(2, 2, 1, 0f);
        Image x = ramp(1, 2, 2);
        var rng = new SplittableRandom(5);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(java.util.Arrays.toString(crop.apply(x, rng).data()));
        }
        assertEquals(9, seen.size(), "(4 - 2 + 1)^2 offsets of a 2x2 crop from a padded 4x4");
    }

    @Test
    void labelSmoothingAsPyTorch() {
        float[] t = new float[4];
        LabelSmoothing.target(t, 0, 4, 2, 0.1);
        // (1 - 0.1) * onehot + 0.1 / 4
        assertArrayEquals(new float[]{0.025f, 0.025f, 0.925f, 0.025f}, t, 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> LabelSmoothing.target(t, 0, 4, 0, 1.0));
    }

    @Test
    void specsParse() {
        assertSame(ramp(1, 4, 4).getClass(), Augmentations.parse("none", 4, 4).apply(ramp(1, 4, 4), null).getClass());
        Image x = ramp(1, 28, 28);
        assertSame(x, Augmentations.parse("none", 28, 28).apply(x, new SplittableRandom(0)), "none is the identity");
        // crop-flip pads by round(28 / 8) = 4: over many draws some output pixel is padding (0)
        var t = Augmentations.parse("crop-flip", 28, 28);
        var rng = new SplittableRandom(0);
        boolean padded = false;
        for (int i = 0; i < 50 && !padded; i++) {
            Image y = t.apply(x, rng);
            assertEquals(28, y.height());
            padded = y.get(0, 0, 0) == 0f && y.get(0, 27, 27) != 0f;
        }
        assertTrue(padded);
        var e = assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("crop-flip+rand-m9x", 28, 28));
        assertTrue(e.getMessage().contains("unknown augmentation 'rand-m9x'"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("rand-m31-n2", 28, 28));
        assertTrue(m.getMessage().contains("magnitude must be 0 to 30"), m.getMessage());
    }
}
