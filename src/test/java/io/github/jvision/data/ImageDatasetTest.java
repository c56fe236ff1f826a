package io.github.jvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Selecting classes and the channel statistics, on hand-made images. */
class ImageDatasetTest {
    /** Four 2-channel 1x2 images: image i has pixels (i, 10 + i) in channel 0 and 255 in channel 1, label i % 3. */
    private static ImageDataset four() {
        byte[] p = new byte[4 * 4];
        for (int i = 0; i < 4; i++) {
            p[4 * i] = (byte) i;
            p[4 * i + 1] = (byte) (10 + i);
            p[4 * i + 2] = (byte) 255;
            p[4 * i + 3] = (byte) 255;
        }
        return new ImageDataset("t", p, new int[]{0, 1, 2, 0}, 2, 1, 2, List.of("a", "b", "c"));
    }

    @Test
    void selectKeepsTheGivenClassesRelabelledInTheGivenOrder() {
        ImageDataset s = four().select(List.of(2, 0));
        assertEquals(List.of("c", "a"), s.classes());
        assertArrayEquals(new int[]{1, 0, 1}, s.labels(), "images 0, 2, 3: classes a, c, a");
        assertEquals(0, s.pixels()[0], "images keep their order");
        assertEquals(2, s.pixels()[4]);
        assertEquals(13, s.pixels()[9]);
        assertThrows(IllegalArgumentException.class, () -> four().select(List.of(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> four().select(List.of(3)));
    }

    /** Channel 0 holds 0..3 and 10..13, mean 6.5 / 255, population std sqrt(26.25) / 255; channel 1 is all 1.0. */
    @Test
    void channelStatisticsByHand() {
        float[][] s = four().channelStats();
        assertEquals(6.5 / 255, s[0][0], 1e-7);
        assertEquals(Math.sqrt(26.25) / 255, s[1][0], 1e-6);
        assertEquals(1.0, s[0][1], 1e-7);
        assertEquals(0.0, s[1][1], 1e-3);
    }
}
