package io.github.jvision.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Known faults C21 (EXIF orientation) and C20 (CMYK JPEG). Fixtures in src/test/resources/images,
 * written by PIL: orientation6.jpg stores 4x2 pixels (left half red, right half blue) with EXIF
 * orientation 6; cmyk.jpg is 8x8 CMYK (0, 255, 255, 0), which PIL converts to RGB (255, 0, 0).
 */
class ExifAndCmykTest {
    static final Path DIR = Path.of("src/test/resources/images");

    @Test
    void orientationSixIsAppliedOnLoad() throws Exception {
        assertEquals(6, Images.exifOrientation(DIR.resolve("orientation6.jpg")));
        Image img = Images.load(DIR.resolve("orientation6.jpg"), 3);
        assertEquals(2, img.width(), "stored 4 wide, displayed 2 wide");
        assertEquals(4, img.height());
        // rotated 90 degrees clockwise: the stored left (red) half becomes the top half
        assertTrue(img.get(0, 0, 1) > 0.9 && img.get(2, 0, 1) < 0.1, "top-right is red");
        assertTrue(img.get(0, 3, 0) < 0.1 && img.get(2, 3, 0) > 0.9, "bottom-left is blue");
        assertEquals(1, Images.exifOrientation(DIR.resolve("cmyk.jpg")), "no EXIF: as stored");
    }

    /** Where the stored top-left pixel of a 2x3 (h x w) image lands, per the EXIF specification. */
    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({"1, 2, 3, 0, 0", "2, 2, 3, 0, 2", "3, 2, 3, 1, 2", "4, 2, 3, 1, 0",
            "5, 3, 2, 0, 0", "6, 3, 2, 0, 1", "7, 3, 2, 2, 1", "8, 3, 2, 2, 0"})
    void storedTopLeftLandsWhereTheSpecificationSays(int o, int h, int w, int y, int x) {
        float[] d = new float[6];
        d[0] = 1; // the stored top-left
        Image out = Images.orient(new Image(d, 1, 2, 3), o);
        assertEquals(h, out.height());
        assertEquals(w, out.width());
        assertEquals(1f, out.get(0, y, x));
    }

    @Test
    void cmykJpegDecodesToRgb() throws Exception {
        Image img = Images.load(DIR.resolve("cmyk.jpg"), 3);
        assertEquals(8, img.width());
        float r = img.get(0, 4, 4), g = img.get(1, 4, 4), b = img.get(2, 4, 4);
        assertTrue(r > 0.8 && g < 0.25 && b < 0.25, "red, as PIL converts it: " + r + ", " + g + ", " + b);
    }
}
