package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;
import io.github.jvision.image.Resampling;

/**
 * Geometric operations on one image, with the semantics of torchvision 0.14's
 * {@code transforms.functional} on float tensors ({@code [C, H, W]} float32, values in [0, 1]):
 * flips, padding, crops, resizing (PyTorch's {@code interpolate}, with its antialiasing filter
 * when asked) and affine warps ({@code grid_sample} with {@code align_corners=False}). None
 * modifies its input.
 */
public final class Geometric {

    /** How {@link #pad} fills the border, as torchvision's {@code padding_mode}. */
    public enum Padding {
        /** A constant value. */
        CONSTANT,
        /** The nearest edge pixel, repeated. */
        EDGE,
        /** Mirrored without repeating the edge pixel: {@code 2 1 | 0 1 2}. */
        REFLECT,
        /** Mirrored with the edge pixel repeated: {@code 1 0 | 0 1 2}. */
        SYMMETRIC
    }

    private Geometric() {
    }

    /** Mirror left-right, as {@code hflip}. */
    public static Image hflip(Image img) {
        int h = img.height(), w = img.width();
        float[] d = img.data(), out = new float[d.length];
        for (int row = 0; row < img.channels() * h; row++) {
            for (int x = 0; x < w; x++) {
                out[row * w + x] = d[row * w + w - 1 - x];
            }
        }
        return with(img, out, h, w);
    }

    /** Mirror top-bottom, as {@code vflip}. */
    public static Image vflip(Image img) {
        int h = img.height(), w = img.width();
        float[] d = img.data(), out = new float[d.length];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(d, (c * h + h - 1 - y) * w, out, (c * h + y) * w, w);
            }
        }
        return with(img, out, h, w);
    }

    /**
     * Pads each side, as {@code pad(img, [left, top, right, bottom], fill, padding_mode)}.
     *
     * @throws IllegalArgumentException on negative padding, or reflect padding not smaller than the image
     */
    public static Image pad(Image img, int left, int top, int right, int bottom, Padding mode, float fill) {
        int h = img.height(), w = img.width();
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException("padding must be >= 0; got " + left + ", " + top + ", " + right + ", " + bottom);
        }
        if (mode == Padding.REFLECT && (Math.max(left, right) >= w || Math.max(top, bottom) >= h)) {
            throw new IllegalArgumentException("reflect padding must be smaller than the image " + h + "x" + w);
        }
        int oh = h + top + bottom, ow = w + left + right;
        float[] d = img.data(), out = new float[img.channels() * oh * ow];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < oh; y++) {
                int sy = source(y - top, h, mode);
                for (int x = 0; x < ow; x++) {
                    int sx = source(x - left, w, mode);
                    out[(c * oh + y) * ow + x] = sy < 0 || sx < 0 ? fill : d[(c * h + sy) * w + sx];
                }
            }
        }
        return with(img, out, oh, ow);
    }

    /** Index into an axis of length n for padded position i, or -1 for the constant fill. */
    private static int source(int i, int n, Padding mode) {
        if (i >= 0 && i < n) {
            return i;
        }
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> Math.max(0, Math.min(n - 1, i));
            case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
            case SYMMETRIC -> i < 0 ? -i - 1 : 2 * n - 1 - i;
        };
    }

    /**
     * The {@code height x width} window whose top-left corner is ({@code top}, {@code left}), as
     * {@code crop}; the window may reach outside the image, where it reads {@code fill}.
     */
    public static Image crop(Image img, int top, int left, int height, int width, float fill) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("crop size must be positive; got " + height + "x" + width);
        }
        int h = img.height(), w = img.width();
        float[] d = img.data(), out = new float[img.channels() * height * width];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < height; y++) {
                int sy = top + y;
                for (int x = 0; x < width; x++) {
                    int sx = left + x;
                    boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    out[(c * height + y) * width + x] = inside ? d[(c * h + sy) * w + sx] : fill;
                }
            }
        }
        return with(img, out, height, width);
    }

    /**
     * The central {@code height x width} window, as {@code center_crop}: offsets
     * {@code round((H - height) / 2)} with Python's round-half-to-even; a window larger than the
     * image is zero-padded, {@code (height - H) // 2} rows above.
     */
    public static Image centerCrop(Image img, int height, int width) {
        return crop(img, centerOffset(img.height(), height), centerOffset(img.width(), width), height, width, 0f);
    }

    /** torchvision's offset: pad {@code (crop - size) // 2} before a larger crop, else {@code round((size - crop) / 2)}. */
    private static int centerOffset(int size, int crop) {
        return crop > size ? -((crop - size) / 2) : (int) Math.rint((size - crop) / 2.0);
    }

    /**
     * Resizes to {@code height x width}, as torchvision's {@code resize} (see
     * {@link Resampling#resize}).
     */
    public static Image resize(Image img, int height, int width, Interpolation mode, boolean antialias) {
        return Resampling.resize(img, height, width, mode, antialias);
    }

    /**
     * Crops, then resizes the crop to {@code outHeight x outWidth}, as {@code resized_crop} (the
     * second half of {@code RandomResizedCrop}).
     */
    public static Image resizedCrop(Image img, int top, int left, int height, int width, int outHeight, int outWidth,
                                    Interpolation mode, boolean antialias) {
        return resize(crop(img, top, left, height, width, 0f), outHeight, outWidth, mode, antialias);
    }

    /**
     * Rotates by {@code angle} degrees counter-clockwise about the image centre, keeping the size,
     * as {@code rotate(img, angle, interpolation, expand=False, fill=fill)}.
     *
     * @param fill one value per channel (or one for all) for pixels from outside the image; null
     *             for torchvision's {@code fill=None} (zeros, without the edge blending a fill adds)
     */
    public static Image rotate(Image img, double angle, Interpolation mode, float[] fill) {
        return warp(img, inverseAffine(0, 0, -angle, 0, 0, 1, 0, 0), mode, fill);
    }

    /**
     * An affine warp, as {@code affine(img, angle, translate, scale, shear, interpolation, fill,
     * center)}: rotation by {@code angle} degrees clockwise, translation in pixels, scale, and shear
     * angles in degrees, about {@code center} (pixel coordinates; null for the image centre).
     *
     * @param fill see {@link #rotate}
     */
    public static Image affine(Image img, double angle, double translateX, double translateY, double scale,
                               double shearX, double shearY, Interpolation mode, float[] fill, double[] center) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("affine scale must be > 0; got " + scale);
        }
        double cx = center == null ? 0 : center[0] - img.width() * 0.5;
        double cy = center == null ? 0 : center[1] - img.height() * 0.5;
        return warp(img, inverseAffine(cx, cy, angle, translateX, translateY, scale, shearX, shearY), mode, fill);
    }

    /**
     * torchvision's {@code _get_inverse_affine_matrix}: the map from output to input coordinates
     * (origin at the image centre) of rotation, scale and shear about (cx, cy), then translation.
     */
    static double[] inverseAffine(double cx, double cy, double angle, double tx, double ty, double scale,
                                  double shearX, double shearY) {
        double rot = Math.toRadians(angle), sx = Math.toRadians(shearX), sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d / scale, -b / scale, 0, -c / scale, a / scale, 0};
        m[2] = m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx;
        m[5] = m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy;
        return m;
    }

    /**
     * Samples the input at the inverse-mapped position of every output pixel, as torchvision's
     * {@code _apply_grid_transform}: {@code grid_sample(align_corners=False, padding_mode="zeros")}
     * (nearest rounds half to even), and with a fill, a sampled all-ones mask m blends it in:
     * bilinear {@code v m + (1 - m) fill}, nearest {@code fill} where {@code m < 0.5}.
     */
    private static Image warp(Image img, double[] m, Interpolation mode, float[] fill) {
        if (mode == Interpolation.BICUBIC) {
            throw new IllegalArgumentException("warps take nearest or bilinear interpolation (as torchvision's tensors)");
        }
        int ch = img.channels(), h = img.height(), w = img.width();
        if (fill != null && fill.length != 1 && fill.length != ch) {
            throw new IllegalArgumentException("fill needs 1 or " + ch + " values; got " + fill.length);
        }
        float[] d = img.data(), out = new float[d.length];
        // torch's float32 steps: theta scaled to normalised coordinates, applied to the pixel-centre
        // grid, then grid_sample's unnormalisation; nearest sampling depends on their rounding
        float[] r = new float[6];
        for (int k = 0; k < 6; k++) {
            r[k] = (float) m[k] / (k < 3 ? 0.5f * w : 0.5f * h);
        }
        for (int y = 0; y < h; y++) {
            float yb = y - h * 0.5f + 0.5f;
            for (int x = 0; x < w; x++) {
                float xb = x - w * 0.5f + 0.5f;
                float gx = xb * r[0] + yb * r[1] + r[2];
                float gy = xb * r[3] + yb * r[4] + r[5];
                float px = ((gx + 1f) * w - 1f) / 2f;
                float py = ((gy + 1f) * h - 1f) / 2f;
                if (mode == Interpolation.NEAREST) {
                    int sx = (int) Math.rint(px), sy = (int) Math.rint(py);
                    boolean inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
                    for (int c = 0; c < ch; c++) {
                        float v = inside ? d[(c * h + sy) * w + sx] : 0f;
                        out[(c * h + y) * w + x] = !inside && fill != null ? fill[Math.min(c, fill.length - 1)] : v;
                    }
                } else {
                    int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
                    float tx = px - x0, ty = py - y0;
                    float[] wt = {(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty};
                    int[] xs = {x0, x0 + 1, x0, x0 + 1}, ys = {y0, y0, y0 + 1, y0 + 1};
                    float mask = 0;
                    for (int k = 0; k < 4; k++) {
                        mask += xs[k] >= 0 && xs[k] < w && ys[k] >= 0 && ys[k] < h ? wt[k] : 0;
                    }
                    for (int c = 0; c < ch; c++) {
                        float v = 0;
                        for (int k = 0; k < 4; k++) {
                            if (xs[k] >= 0 && xs[k] < w && ys[k] >= 0 && ys[k] < h) {
                                v += wt[k] * d[(c * h + ys[k]) * w + xs[k]];
                            }
                        }
                        out[(c * h + y) * w + x] = fill == null ? v
                                : v * mask + (1 - mask) * fill[Math.min(c, fill.length - 1)];
                    }
                }
            }
        }
        return with(img, out, h, w);
    }

    private static Image with(Image img, float[] data, int h, int w) {
        return new Image(data, img.channels(), h, w);
    }
}
