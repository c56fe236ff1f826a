package io.github.jvision.image;

/**
 * Resampling an image to another size, as PyTorch's {@code interpolate} (the kernel of
 * torchvision's {@code resize}): deterministic evaluation preprocessing uses it, and so does the
 * augmentation package.
 */
public final class Resampling {

    private Resampling() {
    }

    /**
     * Resizes to {@code height x width}, as PyTorch's {@code interpolate(mode, align_corners=False,
     * antialias)} under torchvision's {@code resize}. With {@code antialias} (bilinear and bicubic
     * only) the filter widens by the shrink factor, as PIL's resampling (and bicubic uses a = -0.5);
     * without it, shrinking skips pixels. Bicubic results are not clamped (as torchvision's float path).
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static Image resize(Image img, int height, int width, Interpolation mode, boolean antialias) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resize needs a positive size; got " + height + "x" + width);
        }
        if (height == img.height() && width == img.width() && mode != Interpolation.BICUBIC) {
            return img;
        }
        Taps rows = Taps.of(img.height(), height, mode, antialias);
        Taps cols = Taps.of(img.width(), width, mode, antialias);
        int c = img.channels(), h = img.height(), w = img.width();
        float[] d = img.data();
        float[] tmp = new float[c * h * width]; // columns first
        for (int row = 0; row < c * h; row++) {
            for (int x = 0; x < width; x++) {
                tmp[row * width + x] = cols.apply(d, row * w, 1, x);
            }
        }
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out[(ch * height + y) * width + x] = rows.apply(tmp, ch * h * width + x, width, y);
                }
            }
        }
        return with(img, out, height, width);
    }

    /** For each output index along one axis, the input indices it reads and their weights. */
    private record Taps(int[][] index, float[][] weight) {

        float apply(float[] data, int base, int stride, int i) {
            int[] idx = index[i];
            float[] wt = weight[i];
            float sum = 0;
            for (int k = 0; k < idx.length; k++) {
                sum += wt[k] * data[base + idx[k] * stride];
            }
            return sum;
        }

        static Taps of(int in, int out, Interpolation mode, boolean antialias) {
            int[][] index = new int[out][];
            float[][] weight = new float[out][];
            double scale = (double) in / out;
            for (int i = 0; i < out; i++) {
                if (mode == Interpolation.NEAREST) {
                    // PyTorch's "nearest": floor(i * scale) with the scale in float32
                    index[i] = new int[]{Math.min((int) Math.floor(i * (float) ((float) in / out)), in - 1)};
                    weight[i] = new float[]{1f};
                } else if (antialias) {
                    filtered(in, scale, mode == Interpolation.BICUBIC, i, index, weight);
                } else if (mode == Interpolation.BILINEAR) {
                    double src = Math.max(scale * (i + 0.5) - 0.5, 0);
                    int i0 = (int) src;
                    double t = src - i0;
                    index[i] = new int[]{i0, Math.min(i0 + 1, in - 1)};
                    weight[i] = new float[]{(float) (1 - t), (float) t};
                } else {
                    double src = scale * (i + 0.5) - 0.5;
                    int i0 = (int) Math.floor(src);
                    double t = src - i0;
                    index[i] = new int[4];
                    weight[i] = new float[4];
                    for (int k = 0; k < 4; k++) {
                        index[i][k] = Math.max(0, Math.min(in - 1, i0 - 1 + k));
                        weight[i][k] = (float) cubic(t + 1 - k, -0.75);
                    }
                }
            }
            return new Taps(index, weight);
        }

        /** PyTorch's antialiased taps (those of PIL): the kernel stretched by the shrink factor, normalised. */
        private static void filtered(int in, double scale, boolean bicubic, int i, int[][] index, float[][] weight) {
            double stretch = Math.max(scale, 1.0);
            double support = (bicubic ? 2.0 : 1.0) * stretch;
            double center = scale * (i + 0.5);
            int min = Math.max((int) (center - support + 0.5), 0);
            int size = Math.min((int) (center + support + 0.5), in) - min;
            double[] w = new double[size];
            double total = 0;
            for (int j = 0; j < size; j++) {
                double x = (j + min - center + 0.5) / stretch;
                w[j] = bicubic ? cubic(x, -0.5) : Math.max(0, 1 - Math.abs(x));
                total += w[j];
            }
            index[i] = new int[size];
            weight[i] = new float[size];
            for (int j = 0; j < size; j++) {
                index[i][j] = min + j;
                weight[i][j] = (float) (total == 0 ? 0 : w[j] / total);
            }
        }

        /** Keys' cubic convolution kernel with parameter a. */
        private static double cubic(double x, double a) {
            x = Math.abs(x);
            if (x < 1) {
                return ((a + 2) * x - (a + 3)) * x * x + 1;
            }
            if (x < 2) {
                return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
            }
            return 0;
        }
    }

    private static Image with(Image img, float[] data, int h, int w) {
        return new Image(data, img.channels(), h, w);
    }
}
