package io.github.jvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchvision's ImageFolder layout, and known fault C20: corrupt and non-image files in a class folder. */
class ImageFolderTest {
    @TempDir
    Path root;

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    private static BufferedImage rgb(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /**
     * C20's folder: cat/ holds ok.png, cmyk.jpg (8x8 CMYK), truncated.jpg (first 200 bytes of a
     * JPEG), empty.jpg, notes.txt, .DS_Store.
     */
    private void c20Folder() throws IOException {
        Path cat = Files.createDirectories(root.resolve("cat"));
        Files.copy(Path.of("src/test/resources/images/cmyk.jpg"), cat.resolve("cmyk.jpg"));
        Files.write(cat.resolve("ok.png"), encode(rgb(2, 2, 0x0a141e), "png"));
        byte[] jpeg = encode(noise(64, 64), "jpg");
        Files.write(cat.resolve("truncated.jpg"), Arrays.copyOf(jpeg, 200));
        Files.write(cat.resolve("empty.jpg"), new byte[0]);
        Files.writeString(cat.resolve("notes.txt"), "not an image");
        Files.write(cat.resolve(".DS_Store"), new byte[]{0, 0, 0, 1});
        Path dog = Files.createDirectories(root.resolve("dog/nested"));
        Files.write(dog.resolve("a.PNG"), encode(rgb(3, 5, 0xffffff), "png"));
        Files.createDirectories(root.resolve(".hidden"));
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void skipPolicyCountsAndNamesTheBadFiles() throws IOException {
        c20Folder();
        ImageFolder.Loaded loaded = ImageFolder.load(root, 3, 4, ImageFolder.OnError.SKIP);
        assertEquals(List.of("cat", "dog"), loaded.data().classes());
        assertEquals(3, loaded.data().size(), "exactly the good images: cmyk.jpg, ok.png, dog/nested/a.PNG");
        assertArrayEquals(new int[]{0, 0, 1}, loaded.data().labels());
        assertEquals(2, loaded.skipped().size(), loaded.skipped().toString());
        assertTrue(loaded.skipped().stream().anyMatch(s -> s.contains("truncated.jpg")), loaded.skipped().toString());
        assertTrue(loaded.skipped().stream().anyMatch(s -> s.contains("empty.jpg")), loaded.skipped().toString());
        // cmyk.jpg decodes to red; ok.png's pixel (10, 20, 30) survives decoding and resizing
        byte[] px = loaded.data().pixels();
        assertTrue((px[0] & 0xff) > 200 && (px[16] & 0xff) < 64 && (px[32] & 0xff) < 64);
        assertEquals(10, px[48] & 0xff);
        assertEquals(20, px[48 + 16] & 0xff);
        assertEquals(30, px[48 + 32] & 0xff);
    }

    @Test
    void failPolicyStopsAtTheFirstBadFileByName() throws IOException {
        c20Folder();
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageFolder.load(root, 3, 4, ImageFolder.OnError.FAIL));
        assertTrue(e.getMessage().contains("empty.jpg"), e.getMessage());
    }

    @Test
    void aTruncatedJpegIsAnErrorNotAPartialImage() throws IOException {
        Path cat = Files.createDirectories(root.resolve("cat"));
        byte[] jpeg = encode(noise(64, 64), "jpg");
        Files.write(cat.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageFolder.load(root, 3, 8, ImageFolder.OnError.FAIL));
        assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
    }

    @Test
    void layoutErrors() throws IOException {
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.load(root.resolve("none"), 3, 4,
                ImageFolder.OnError.FAIL)).getMessage().contains("not a folder"));
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.load(root, 3, 4, ImageFolder.OnError.FAIL))
                .getMessage().contains("no class folders"));
        Files.createDirectories(root.resolve("empty_class"));
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.load(root, 3, 4, ImageFolder.OnError.FAIL))
                .getMessage().contains("empty_class: no image files"));
    }
}
