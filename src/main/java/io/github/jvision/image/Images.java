package io.github.jvision.image;


import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.InputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads PNG, JPEG, GIF and BMP files (through ImageIO) into {@link Image}s. */
public final class Images {
    private Images() {
    }

    /**
     * Decodes {@code file} and resizes it (bilinear, half-pixel centres as PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)}) to {@code height x width}.
     *
     * <p>A JPEG's EXIF orientation is applied, so a portrait phone photo comes out upright (PIL,
     * and so torchvision's loaders, ignore it unless asked; training and prediction here read
     * files the same way). CMYK and YCCK JPEGs decode to RGB through TwelveMonkeys' reader.
     * Gray images (8 or 16 bit) are read from their samples, not through Java's colour
     * conversion (which would apply a gamma curve); palette images give their palette colours;
     * alpha is dropped, not composited, as PIL's {@code convert("RGB")} does.
     *
     * @param channels 1: luma {@code (299 R + 587 G + 114 B) / 1000} as PIL's {@code convert("L")}
     *                 (gray images as they are); 3: RGB, gray replicated
     * @return {@code [C, H, W]} float32 in [0, 1]
     * @throws ImageDecodeException if the file is missing, empty or not decodable
     */
    public static Image load(Path file, int channels, int height, int width) throws ImageDecodeException {
        return resize(load(file, channels), height, width);
    }

    /**
     * Reads an image file at its own size (see {@link #load(Path, int, int, int)}).
     *
     * @return {@code [channels, H, W]} float32 in [0, 1]
     * @throws ImageDecodeException if the file is missing, empty or not decodable
     */
    public static Image load(Path file, int channels) throws ImageDecodeException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ImageDecodeException(file + ": no such file");
            }
            if (Files.size(file) == 0) {
                throw new ImageDecodeException(file + ": empty file");
            }
            return orient(toImage(decode(file), channels), exifOrientation(file));
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(file + ": cannot decode (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Decoder warnings that mean pixel data is missing (others, e.g. about colour profiles or
     * libjpeg's "extraneous bytes before marker", which PIL also accepts, are not errors).
     */
    private static final java.util.regex.Pattern DAMAGE = java.util.regex.Pattern.compile(
            "(?i).*(premature|truncat|end of (file|stream|data)).*");

    /**
     * Decodes with the first ImageIO reader for the content. A decoder warning about damaged data
     * (ImageIO decodes a truncated JPEG partially, with only a warning such as "Premature end of
     * JPEG file") is an error here: a half-grey training image is worse than a reported one.
     */
    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(file + ": not an image ImageIO can read (expected PNG, JPEG, GIF or BMP)");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (DAMAGE.matcher(warning).matches()) {
                        warnings.add(warning);
                    }
                });
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new ImageDecodeException(file + ": damaged image (" + String.join("; ", warnings) + ")");
                }
                return img;
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The EXIF orientation tag (1-8) of a JPEG file, or 1 (as stored) if it has none. Phone photos
     * store pixels as the sensor read them and record the rotation here; ImageIO ignores it.
     */
    static int exifOrientation(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in.read() != 0xFF || in.read() != 0xD8) {
                return 1; // not a JPEG
            }
            in.seek(0);
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return 1;
            }
            InputStream data = exif.get(0).data();
            data.read(); // the pad byte after "Exif\0"
            try (ImageInputStream tiff = ImageIO.createImageInputStream(data)) {
                Entry e = new TIFFReader().read(tiff).getEntryById(TIFF.TAG_ORIENTATION);
                int o = e != null && e.getValue() instanceof Number n ? n.intValue() : 1;
                return o >= 1 && o <= 8 ? o : 1;
            }
        } catch (IOException | RuntimeException unreadableExif) {
            return 1; // metadata that cannot be read leaves the pixels as stored; the pixels decide errors
        }
    }

    /**
     * Applies EXIF orientation {@code o}: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90
     * clockwise, 7 transverse, 8 rotate 90 counter-clockwise (the stored top-left pixel ends at the
     * top-right for 6); 1 returns the image itself.
     */
    static Image orient(Image img, int o) {
        if (o == 1) {
            return img;
        }
        int hs = img.height();
        int ws = img.width();
        boolean swap = o >= 5;
        int h = swap ? ws : hs;
        int w = swap ? hs : ws;
        float[] out = new float[img.data().length];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy;
                    int sx;
                    switch (o) {
                        case 2 -> { sy = y; sx = ws - 1 - x; }
                        case 3 -> { sy = hs - 1 - y; sx = ws - 1 - x; }
                        case 4 -> { sy = hs - 1 - y; sx = x; }
                        case 5 -> { sy = x; sx = y; }
                        case 6 -> { sy = hs - 1 - x; sx = y; }
                        case 7 -> { sy = hs - 1 - x; sx = ws - 1 - y; }
                        default -> { sy = x; sx = ws - 1 - y; }
                    }
                    out[(c * h + y) * w + x] = img.get(c, sy, sx);
                }
            }
        }
        return new Image(out, img.channels(), h, w);
    }

    /**
     * Writes {@code image} ({@code [1 or 3, H, W]}, values clamped to [0, 1] and rounded to 8 bits)
     * as a PNG file, atomically.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writePng(Image image, Path file) throws IOException {
        int h = image.height(), w = image.width(), c = image.channels();
        BufferedImage out = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (c == 1) {
                    out.getRaster().setSample(x, y, 0, byteOf(image.get(0, y, x)));
                } else {
                    out.setRGB(x, y, byteOf(image.get(0, y, x)) << 16 | byteOf(image.get(1, y, x)) << 8
                            | byteOf(image.get(2, y, x)));
                }
            }
        }
        io.github.jvision.AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(out, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }

    private static int byteOf(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }

    /** @return the pixels of {@code img} as {@code [channels, H, W]} in [0, 1] (see {@link #load}) */
    public static Image toImage(BufferedImage img, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3; got " + channels);
        }
        int h = img.getHeight();
        int w = img.getWidth();
        float[] out = new float[channels * h * w];
        Raster raster = img.getRaster();
        boolean gray = raster.getNumBands() == 1 && img.getColorModel().getNumColorComponents() == 1;
        float max = gray ? (1 << raster.getSampleModel().getSampleSize(0)) - 1 : 255f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float r;
                float g;
                float b;
                if (gray) {
                    r = g = b = raster.getSample(x, y, 0) / max;
                } else {
                    int p = img.getRGB(x, y); // palette resolved, alpha ignored below
                    r = ((p >> 16) & 0xff) / 255f;
                    g = ((p >> 8) & 0xff) / 255f;
                    b = (p & 0xff) / 255f;
                }
                if (channels == 1) {
                    out[y * w + x] = gray ? r : Math.round((r * 299 + g * 587 + b * 114) * 255 / 1000) / 255f;
                } else {
                    out[y * w + x] = r;
                    out[(h + y) * w + x] = g;
                    out[(2 * h + y) * w + x] = b;
                }
            }
        }
        return new Image(out, channels, h, w);
    }

    /**
     * Bilinear resize with half-pixel centres (PyTorch {@code align_corners=False}, no
     * antialiasing); returns the input itself when the size is unchanged.
     */
    public static Image resize(Image in, int height, int width) {
        return Resampling.resize(in, height, width, Interpolation.BILINEAR, false);
    }
}
