package io.github.jvision.onednn;

import io.github.jvision.onednn.GraphLowering.ConvShape;
import org.bytedeco.dnnl.dnnl_blocking_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;

/**
 * A convolution over a batch of narrow images run as one convolution over a single wide image:
 * the {@code n} images side by side along the width, each followed by zero columns that serve as
 * its right and its neighbour's left padding. oneDNN's direct convolutions block their work over
 * output columns; on AVX2, rows of 7 or 14 columns leave part of each block empty, and one row of
 * 16 x (7 + 1) - 1 = 127 columns does not (ResNet's {@code layer3} and {@code layer4}, measured in
 * docs/performance.md, net of the gap columns' extra work and of the copies in and out).
 *
 * <p>Applies to a convolution (not depthwise) on a batch of at least two images at most
 * {@link #MAX_WIDTH} columns wide, with at least {@link #MIN_CHANNELS} input and output channels and
 * padding along the width. The lowering admits only undilated convolutions with the same padding
 * on both sides ({@code Truncate} mode), which this relies on.
 *
 * @param n      images in the batch
 * @param period input columns from one image's start to the next's: its width plus the gap, at
 *               least the padding and wide enough for the image's outputs, and a multiple of the
 *               stride so that every image's outputs start on a column of their own
 * @param stride the convolution's stride along the width
 */
record SideBySide(long n, long period, long stride) {
    /** The widest images (columns) placed side by side: wider rows already fill the kernels' blocks, and strided ones got slower. */
    static final long MAX_WIDTH = 14;
    /** The fewest channels, in and out: ResNet-20's convolutions (16 to 64 channels) got slower, ResNet's 256 and 512 faster; between them is not measured. */
    static final long MIN_CHANNELS = 128;

    /** Which convolutions over narrow images run side by side. */
    enum Use {
        /** Those on a kernel where it {@link #pays}. */
        WHERE_IT_PAYS,
        /** Every one it applies to (for tests and benchmarks, on any CPU). */
        ALWAYS,
        /** None: every convolution on the batch as it is. */
        NEVER;

        /** Whether a convolution it applies to, which oneDNN runs with {@code implementation}, goes side by side. */
        boolean wanted(String implementation) {
            return this == ALWAYS || this == WHERE_IT_PAYS && pays(implementation);
        }
    }

    /**
     * Whether side by side pays for a convolution oneDNN runs with {@code implementation}: on its
     * AVX2 direct kernel ({@code jit:avx2}), the only one where it was measured to pay. On AVX-512,
     * oneDNN 2.5 runs these convolutions on its BRGEMM kernels ({@code brgconv:avx512_core}), and
     * side by side made ResNet-18 4% and ResNet-50 2% slower (docs/performance.md).
     */
    static boolean pays(String implementation) {
        return implementation.equals("jit:avx2");
    }

    /** The side-by-side form of convolution {@code s}, or {@code null} when it does not apply. */
    static SideBySide of(ConvShape s) {
        long width = s.x()[3];
        long pad = s.pad()[1];
        long st = s.stride()[1];
        if (s.depthwise() || s.x()[0] < 2 || pad == 0 || width > MAX_WIDTH
                || Math.min(s.x()[1], s.y()[1]) < MIN_CHANNELS) {
            return null;
        }
        long gap = Math.max(pad, s.y()[3] * st - width); // neighbours' outputs must not overlap (a kernel narrower than its padding)
        gap += Math.floorMod(-(width + gap), st); // a whole number of strides
        return new SideBySide(s.x()[0], width + gap, st);
    }

    /** The wide input's dims for a batch of images {@code x} ({@code [n, C, H, W]}): {@code [1, C, H, n period - gap]}. */
    long[] wideInput(long[] x) {
        return new long[]{1, x[1], x[2], n * period - (period - x[3])};
    }

    /** The wide output's dims for convolution {@code s} on the wide input: {@code [1, K, H', (n period - gap + 2 pad - k) / stride + 1]}. */
    long[] wideOutput(ConvShape s) {
        long in = wideInput(s.x())[3];
        long k = s.w()[s.w().length - 1];
        long[] y = s.y();
        return new long[]{1, y[1], y[2], Math.floorDiv(in + 2 * s.pad()[1] - k, stride) + 1};
    }

    /** The batch {@code x} inside a wide input laid out as {@code wide}: image {@code i} starts at column {@code i period}. */
    dnnl_memory_desc_t inputs(dnnl_memory_desc_t wide, long[] x) {
        return images(wide, x, period);
    }

    /** The batch output {@code y} inside a wide output laid out as {@code wide}: image {@code i} starts at column {@code i period / stride}. */
    dnnl_memory_desc_t outputs(dnnl_memory_desc_t wide, long[] y) {
        return images(wide, y, period / stride);
    }

    /**
     * Whether images can be seen inside a tensor of layout {@code wide}: a 4-D blocked layout with
     * the batch and the columns unblocked (oneDNN's CPU convolutions block channels only).
     */
    static boolean viewable(dnnl_memory_desc_t wide) {
        return wide.ndims() == 4 && Dnnl.unblocked(wide, 0, 3);
    }

    /** The images of {@code dims} inside {@code wide} ({@link #viewable}), one every {@code columns} columns. */
    private static dnnl_memory_desc_t images(dnnl_memory_desc_t wide, long[] dims, long columns) {
        dnnl_memory_desc_t v = Dnnl.copy(wide);
        dnnl_blocking_desc_t b = v.format_desc_blocking();
        v.dims().put(0, dims[0]).put(3, dims[3]);
        v.padded_dims().put(0, dims[0]).put(3, dims[3]);
        b.strides().put(0, columns * b.strides().get(3));
        return v;
    }
}
