package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Known faults C06 (RandAugment signs, checks, value range) and C07 (fill of warps). */
class PolicyFaultsTest {

    private static Image constant(int c, int h, int w, float v) {
        float[] d = new float[c * h * w];
        Arrays.fill(d, v);
        return new Image(d, c, h, w);
    }

    /** C06: magnitude 9 of 31 bins on 224x224 is rotate 9, shear 0.09, translate 30.453 px, brightness 0.27. */
    @Test
    void randAugmentMagnitudesAtM9() {
        var s = AugmentOp.Space.STANDARD;
        assertEquals(9.0, s.magnitude(AugmentOp.ROTATE, 9, 31, 224, 224), 1e-9);
        assertEquals(0.09, s.magnitude(AugmentOp.SHEAR_X, 9, 31, 224, 224), 1e-9);
        assertEquals(150.0 / 331 * 224 * 9 / 30, s.magnitude(AugmentOp.TRANSLATE_X, 9, 31, 224, 224), 1e-9);
        assertEquals(30.453, s.magnitude(AugmentOp.TRANSLATE_X, 9, 31, 224, 224), 1e-3);
        assertEquals(0.27, s.magnitude(AugmentOp.BRIGHTNESS, 9, 31, 224, 224), 1e-9);
    }

    /**
     * C06: the sign is +-1, never 0. RandAugment(1, 9) on a one-pixel white column: of the 14
     * operations, exactly ShearX, TranslateX and Rotate move the column's bottom end sideways, and
     * they always do if the sign is +-1 (3/14 of draws), but only half the time if the sign were
     * drawn from {0, 1} (1.5/14). Both directions occur about equally.
     */
    @Test
    void signedMagnitudesAreNeverZeroAndBothSignsOccur() {
        float[] d = new float[41 * 41];
        for (int y = 0; y < 41; y++) {
            d[y * 41 + 20] = 1f;
        }
        Image column = new Image(d, 1, 41, 41);
        var rng = new SplittableRandom(2);
        var policy = new RandAugment(1, 9);
        int n = 4000, left = 0, right = 0;
        for (int i = 0; i < n; i++) {
            Image y = policy.apply(column, rng);
            boolean l = false, r = false; // the bottom end now left or right of the centre column
            for (int x = 0; x < 41; x++) {
                l |= x < 20 && y.get(0, 38, x) > 0.5f;
                r |= x > 20 && y.get(0, 38, x) > 0.5f;
            }
            if (y.get(0, 38, 20) > 0.5f || l == r) {
                continue; // not moved sideways (colour ops keep the column; solarize erases it)
            }
            left += l ? 1 : 0;
            right += r ? 1 : 0;
        }
        assertEquals(3.0 / 14, (left + right) / (double) n, 0.02);
        assertEquals(0.5, left / (double) (left + right), 0.06);
        // numOps 0 is the identity, bitwise
        Image x = constant(3, 8, 8, 0.3f);
        assertSame(x, new RandAugment(0, 9).apply(x, rng));
    }

    /** C06: bad parameters are rejected, not silently reinterpreted. */
    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RandAugment(2, -1));
        assertThrows(IllegalArgumentException.class, () -> new RandAugment(2, 31));
        assertThrows(IllegalArgumentException.class, () -> new RandAugment(-1, 9));
        assertThrows(IllegalArgumentException.class, () -> new RandAugment(2, 3, 3, Interpolation.NEAREST, null),
                "magnitude 3 with 3 bins (pytorch/vision#8940)");
    }

    /** C06: on [0, 1] data, brightness 1.27 clips 0.9 to 1.0 (not 1.143); every policy output stays in [0, 1]. */
    @Test
    void brightnessClipsToTheFloatRange() {
        assertEquals(1.0f, Photometric.adjustBrightness(constant(3, 2, 2, 0.9f), 1.27).get(0, 0, 0));
        assertEquals(1.0f, AugmentOp.BRIGHTNESS.apply(constant(3, 2, 2, 0.9f), 0.27, Interpolation.NEAREST, null).get(2, 1, 1));
    }

    /**
     * C07: a 3x9x9 image of 0.5 rotated 45 degrees with nearest interpolation: the corner comes from
     * outside and takes the fill (1.0 in every channel for a scalar, the colour for a triple, 0
     * for none); the centre stays 0.5. With bilinear interpolation the corner equals the fill too.
     */
    @Test
    void warpFillValues() {
        for (Interpolation mode : new Interpolation[]{Interpolation.NEAREST, Interpolation.BILINEAR}) {
            Image x = constant(3, 9, 9, 0.5f);
            Image scalar = Geometric.rotate(x, 45, mode, new float[]{1f});
            for (int c = 0; c < 3; c++) {
                assertEquals(1f, scalar.get(c, 0, 0), 1e-6, mode + " scalar fill, channel " + c);
                assertEquals(0.5f, scalar.get(c, 4, 4), 1e-6);
            }
            Image red = Geometric.rotate(x, 45, mode, new float[]{1f, 0f, 0f});
            assertArrayEquals(new float[]{1f, 0f, 0f}, new float[]{red.get(0, 0, 0), red.get(1, 0, 0), red.get(2, 0, 0)}, 1e-6f);
            assertEquals(0f, Geometric.rotate(x, 45, mode, null).get(1, 0, 0), 1e-6);
            assertEquals(1f, Geometric.rotate(constant(1, 9, 9, 0.5f), 45, mode, new float[]{1f}).get(0, 0, 0), 1e-6);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Geometric.rotate(constant(3, 9, 9, 0.5f), 45, Interpolation.NEAREST, new float[]{1f, 0f}));
        // the policies take the same fill for rotate, shear and translate
        Image shifted = AugmentOp.TRANSLATE_X.apply(constant(3, 9, 9, 0.5f), 4, Interpolation.NEAREST, new float[]{0.25f});
        assertEquals(0.25f, shifted.get(0, 4, 0), 1e-6);
    }
}
