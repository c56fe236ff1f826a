package io.github.jvision.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Known fault C19 (gray, alpha, palette) and C20 (unreadable files) for the image loader. */
class ImagesTest {
    @TempDir
    Path tmp;

    private Path png(BufferedImage img, String name) throws Exception {
        Path p = tmp.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void grayIsReadExactlyAndReplicatedForRgb() throws Exception {
        BufferedImage g = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                g.getRaster().setSample(x, y, 0, 100);
            }
        }
        Path p = png(g, "gray.png");
        var one = Images.load(p, 1, 2, 2);
        var three = Images.load(p, 3, 2, 2);
        for (float v : one.data()) {
            assertEquals(100 / 255f, v, 1e-7f);
        }
        assertEquals(12, three.data().length);
        for (float v : three.data()) {
            assertEquals(100 / 255f, v, 1e-7f);
        }
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, (10 << 16) | (20 << 8) | 30); // alpha 0
        var img = Images.load(png(rgba, "rgba.png"), 3, 2, 2);
        assertEquals(10 / 255f, img.get(0, 0, 0), 1e-7f);
        assertEquals(20 / 255f, img.get(1, 0, 0), 1e-7f);
        assertEquals(30 / 255f, img.get(2, 0, 0), 1e-7f);
    }

    @Test
    void paletteGivesColoursNotIndices() throws Exception {
        byte[] r = {0, (byte) 200};
        byte[] g = {0, 50};
        byte[] b = {0, 25};
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
        pal.getRaster().setSample(1, 0, 0, 1);
        var img = Images.load(png(pal, "pal.png"), 3, 1, 2);
        assertEquals(200 / 255f, img.get(0, 0, 1), 1e-7f);
        assertEquals(50 / 255f, img.get(1, 0, 1), 1e-7f);
        // luma of (200, 50, 25) = (59800 + 29350 + 2850) / 1000 = 92
        assertEquals(92 / 255f, Images.load(tmp.resolve("pal.png"), 1, 1, 2).get(0, 0, 1), 1e-7f);
    }

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        // 1x2 -> 1x4, align_corners=False: source x = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped)
        var in = new io.github.jvision.image.Image(new float[]{0, 1}, 1, 1, 2);
        assertArrayEquals(new float[]{0, 0.25f, 0.75f, 1}, Images.resize(in, 1, 4).data(), 1e-6f);
    }

    @Test
    void unreadableFilesAreNamed() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));
        assertTrue(assertThrows(ImageDecodeException.class, () -> Images.load(empty, 3, 2, 2)).getMessage()
                .contains("empty.jpg: empty file"));
        Path text = Files.writeString(tmp.resolve("notes.png"), "hello");
        assertTrue(assertThrows(ImageDecodeException.class, () -> Images.load(text, 3, 2, 2)).getMessage()
                .contains("notes.png: not an image"));
        assertTrue(assertThrows(ImageDecodeException.class, () -> Images.load(tmp.resolve("nope.png"), 3, 2, 2))
                .getMessage().contains("nope.png: no such file"));
    }
}
