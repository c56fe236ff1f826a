package io.github.jvision.augment;

import io.github.jvision.image.Image;

/**
 * Colour operations on one image, with the semantics of torchvision 0.14's
 * {@code transforms.functional} on float tensors: {@code [C, H, W]} float32, C = 1 or 3 (RGB),
 * values in [0, 1]; results are clamped to [0, 1] where torchvision clamps. Operations that
 * torchvision defines on uint8 only ({@link #posterize}, {@link #equalize}) quantise to 8 bits
 * first ({@code round(255 x)}, exact for images decoded from 8-bit files) and return
 * {@code k / 255}. None modifies its input.
 */
public final class Photometric {
    /** ITU-R 601-2 luma weights, as torchvision's {@code rgb_to_grayscale} (and TF). */
    private static final float WR = 0.2989f, WG = 0.587f, WB = 0.114f;

    private Photometric() {
    }

    /** {@code clamp(f x, 0, 1)}, as {@code adjust_brightness}; f = 1 is the identity, 0 gives black. */
    public static Image adjustBrightness(Image img, double factor) {
        checkFactor("brightness", factor);
        float[] out = new float[img.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = blend(img.data()[i], 0f, factor);
        }
        return with(img, out);
    }

    /**
     * {@code clamp(f x + (1 - f) m, 0, 1)} with m the mean of the grayscale image (of the image
     * itself for one channel), as {@code adjust_contrast}; f = 0 gives a uniform gray.
     */
    public static Image adjustContrast(Image img, double factor) {
        checkFactor("contrast", factor);
        float[] gray = img.channels() == 3 ? luma(img) : img.data();
        double sum = 0;
        for (float v : gray) {
            sum += v;
        }
        float mean = (float) (sum / gray.length);
        float[] out = new float[img.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = blend(img.data()[i], mean, factor);
        }
        return with(img, out);
    }

    /**
     * Blend with the grayscale image, as {@code adjust_saturation}: f = 0 gives grayscale, 1 the
     * identity, 2 doubles the saturation. One-channel images are returned unchanged (as PIL).
     */
    public static Image adjustSaturation(Image img, double factor) {
        checkFactor("saturation", factor);
        if (img.channels() == 1) {
            return img;
        }
        float[] gray = luma(img);
        int plane = gray.length;
        float[] out = new float[img.data().length];
        for (int c = 0; c < img.channels(); c++) {
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = blend(img.data()[c * plane + i], gray[i], factor);
            }
        }
        return with(img, out);
    }

    /**
     * Rotates the hue by {@code factor} turns in HSV space, as {@code adjust_hue}; factor in
     * [-0.5, 0.5]. One-channel images are returned unchanged.
     *
     * @throws IllegalArgumentException if factor is outside [-0.5, 0.5]
     */
    public static Image adjustHue(Image img, double factor) {
        if (!(factor >= -0.5 && factor <= 0.5)) {
            throw new IllegalArgumentException("hue factor must be in [-0.5, 0.5]; got " + factor);
        }
        if (img.channels() == 1) {
            return img;
        }
        int plane = img.height() * img.width();
        float[] d = img.data();
        float[] out = new float[d.length];
        float[] rgb = new float[3];
        for (int i = 0; i < plane; i++) {
            float r = d[i], g = d[plane + i], b = d[2 * plane + i];
            float max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
            float cr = max - min;
            boolean gray = max == min;
            float s = cr / (gray ? 1f : max);
            float div = gray ? 1f : cr;
            float rc = (max - r) / div, gc = (max - g) / div, bc = (max - b) / div;
            // torchvision's _rgb2hsv picks the sector by which channel is the maximum, red first
            float h = max == r ? bc - gc : max == g ? 2f + rc - bc : 4f + gc - rc;
            h = floorMod(h / 6f + 1f, 1f);
            h = floorMod(h + (float) factor, 1f);
            hsvToRgb(h, s, max, rgb);
            out[i] = rgb[0];
            out[plane + i] = rgb[1];
            out[2 * plane + i] = rgb[2];
        }
        return with(img, out);
    }

    /** torchvision's {@code _hsv2rgb}. */
    private static void hsvToRgb(float h, float s, float v, float[] rgb) {
        float h6 = h * 6f;
        float sector = (float) Math.floor(h6);
        float f = h6 - sector;
        int i = Math.floorMod((int) sector, 6);
        float p = clamp(v * (1f - s)), q = clamp(v * (1f - s * f)), t = clamp(v * (1f - s * (1f - f)));
        switch (i) {
            case 0 -> set(rgb, v, t, p);
            case 1 -> set(rgb, q, v, p);
            case 2 -> set(rgb, p, v, t);
            case 3 -> set(rgb, p, q, v);
            case 4 -> set(rgb, t, p, v);
            default -> set(rgb, v, p, q);
        }
    }

    /**
     * Grayscale {@code 0.2989 R + 0.587 G + 0.114 B}, as {@code rgb_to_grayscale}, with 1 or 3
     * (equal) output channels; a one-channel input is copied.
     *
     * @throws IllegalArgumentException if outChannels is not 1 or 3
     */
    public static Image grayscale(Image img, int outChannels) {
        if (outChannels != 1 && outChannels != 3) {
            throw new IllegalArgumentException("grayscale has 1 or 3 output channels; got " + outChannels);
        }
        float[] gray = img.channels() == 3 ? luma(img) : img.data().clone();
        float[] out = new float[gray.length * outChannels];
        for (int c = 0; c < outChannels; c++) {
            System.arraycopy(gray, 0, out, c * gray.length, gray.length);
        }
        return new Image(out, outChannels, img.height(), img.width());
    }

    /** {@code 1 - x}, as {@code invert}. */
    public static Image invert(Image img) {
        float[] out = new float[img.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1f - img.data()[i];
        }
        return with(img, out);
    }

    /**
     * Keeps the {@code bits} most significant bits of each 8-bit value, as {@code posterize} on
     * uint8 images.
     *
     * @throws IllegalArgumentException if bits is outside [0, 8]
     */
    public static Image posterize(Image img, int bits) {
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("posterize keeps 0 to 8 bits; got " + bits);
        }
        int mask = -(1 << (8 - bits)) & 0xFF;
        float[] out = new float[img.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (toByte(img.data()[i]) & mask) / 255f;
        }
        return with(img, out);
    }

    /** Inverts every value at or above {@code threshold} (in [0, 1]), as {@code solarize}. */
    public static Image solarize(Image img, double threshold) {
        float[] out = new float[img.data().length];
        for (int i = 0; i < out.length; i++) {
            float v = img.data()[i];
            out[i] = v >= threshold ? 1f - v : v;
        }
        return with(img, out);
    }

    /**
     * Stretches each channel to [0, 1] by its own minimum and maximum, as {@code autocontrast}; a
     * constant channel is left as it is.
     */
    public static Image autocontrast(Image img) {
        int plane = img.height() * img.width();
        float[] d = img.data();
        float[] out = new float[d.length];
        for (int c = 0; c < img.channels(); c++) {
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                min = Math.min(min, d[i]);
                max = Math.max(max, d[i]);
            }
            float scale = 1f / (max - min);
            if (!Float.isFinite(scale)) {
                min = 0;
                scale = 1;
            }
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = clamp((d[i] - min) * scale);
            }
        }
        return with(img, out);
    }

    /**
     * Histogram equalisation of each channel's 8-bit values, as torchvision's {@code equalize}
     * (PIL's {@code ImageOps.equalize}): with {@code step = floor(sum of the histogram without its
     * last non-empty bin / 255)}, value v maps to {@code floor((cdf(v - 1) + floor(step / 2)) / step)};
     * a channel with step 0 is left as it is.
     */
    public static Image equalize(Image img) {
        int plane = img.height() * img.width();
        float[] d = img.data();
        float[] out = new float[d.length];
        for (int c = 0; c < img.channels(); c++) {
            long[] hist = new long[256];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                hist[toByte(d[i])]++;
            }
            int last = 255;
            while (hist[last] == 0) {
                last--;
            }
            long step = (plane - hist[last]) / 255;
            float[] lut = new float[256];
            long below = 0; // pixels with a smaller value: cdf(v - 1)
            for (int v = 0; v < 256; v++) {
                lut[v] = step == 0 ? v / 255f : Math.min(255, (below + step / 2) / step) / 255f;
                below += hist[v];
            }
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = lut[toByte(d[i])];
            }
        }
        return with(img, out);
    }

    /**
     * Blends with a smoothed copy, as {@code adjust_sharpness}: the copy is the 3x3 filter
     * {@code [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13} inside the image and the original on the
     * one-pixel border; f = 0 blurs, 1 is the identity, 2 sharpens. Images of at most 2 pixels
     * along an axis are returned unchanged.
     */
    public static Image adjustSharpness(Image img, double factor) {
        checkFactor("sharpness", factor);
        int h = img.height(), w = img.width();
        if (h <= 2 || w <= 2) {
            return img;
        }
        float[] d = img.data();
        float[] out = d.clone();
        for (int c = 0; c < img.channels(); c++) {
            int base = c * h * w;
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    float sum = 4 * d[base + y * w + x];
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sum += d[base + (y + dy) * w + x + dx];
                        }
                    }
                    out[base + y * w + x] = sum / 13f;
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = blend(d[i], out[i], factor);
        }
        return with(img, out);
    }

    /**
     * {@code (x - mean[c]) / std[c]} per channel, as {@code normalize} (the last step before a
     * model; the result is no longer in [0, 1]).
     *
     * @throws IllegalArgumentException if mean or std do not have one value per channel, or a std is 0
     */
    public static Image normalize(Image img, float[] mean, float[] std) {
        for (float s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("normalize: std must not be 0");
            }
        }
        float[] out = new float[img.data().length];
        img.normalizeInto(mean, std, out, 0);
        return with(img, out);
    }

    /** The 8-bit value torchvision's uint8 operations see: {@code round(255 clamp(x, 0, 1))}. */
    static int toByte(float v) {
        return Math.round(clamp(v) * 255f);
    }

    private static float[] luma(Image img) {
        int plane = img.height() * img.width();
        float[] d = img.data();
        float[] gray = new float[plane];
        for (int i = 0; i < plane; i++) {
            gray[i] = WR * d[i] + WG * d[plane + i] + WB * d[2 * plane + i];
        }
        return gray;
    }

    /** torchvision's {@code _blend}: {@code clamp(f a + (1 - f) b, 0, 1)}. */
    private static float blend(float a, float b, double f) {
        return clamp((float) (f * a + (1.0 - f) * b));
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static float floorMod(float a, float m) {
        float r = a % m;
        return r < 0 ? r + m : r;
    }

    private static void set(float[] rgb, float r, float g, float b) {
        rgb[0] = r;
        rgb[1] = g;
        rgb[2] = b;
    }

    private static void checkFactor(String what, double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(what + " factor must be finite and >= 0; got " + factor);
        }
    }

    private static Image with(Image img, float[] data) {
        return new Image(data, img.channels(), img.height(), img.width());
    }
}
