package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_blocked;

import io.github.jvision.onednn.GraphLowering.ConvShape;
import org.bytedeco.dnnl.dnnl_blocking_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;

/**
 * A convolution over a batch of narrow images run as one convolution over a single wide image:
 * the {@code n} images side by side along the width, each followed by zero columns that serve as
 * its right and its neighbour's left padding. oneDNN's direct convolutions block their work over
 * output columns; on AVX2, rows of 7 or 14 columns leave part of each block empty, and one row of
 * 16 x (7 + 1) - 1 = 127 columns does not (ResNet's {@code layer4}, measured in
 * docs/performance.md, net of the gap columns' extra work and of the copies in and out). Applies
 * to undilated convolutions with padding on images at most {@link #MAX_WIDTH} columns wide.
 *
 * @param n      images in the batch
 * @param period input columns from one image's start to the next's: its width plus the gap, a
 *               multiple of the stride so that every image's outputs start on a column of their own
 * @param stride the convolution's stride along the width
 */
record SideBySide(long n, long period, long stride) {
    /** The widest images (columns) placed side by side; wider rows already fill the kernels' blocks (and wide strided rows got slower). */
    static final long MAX_WIDTH = 14;
    /** The fewest channels (in and out) of a convolution computed side by side: ResNet-20's 16 to 64 got slower. */
    static final long MIN_CHANNELS = 128;

    /** The side-by-side form of convolution {@code s}, or {@code null} when it does not apply or would not gain. */
    static SideBySide of(ConvShape s) {
        long width = s.x()[3];
        long pad = s.pad()[1];
        long st = s.stride()[1];
        if (s.depthwise() || s.x()[0] < 2 || pad == 0 || width > MAX_WIDTH
                || Math.min(s.x()[1], s.y()[1]) < MIN_CHANNELS) {
            return null;
        }
        long gap = pad + Math.floorMod(-(width + pad), st); // at least the padding, and a whole number of strides
        return new SideBySide(s.x()[0], width + gap, st);
    }

    /** The wide input's dims for a batch {@code x} ({@code [n, C, H, W]}): {@code [1, C, H, n period - gap]}. */
    long[] wideInput(long[] x) {
        return new long[]{1, x[1], x[2], n * period - (period - x[3])};
    }

    /** The wide output's dims, for a batch output {@code y} of convolution {@code s}. */
    long[] wideOutput(long[] y, ConvShape s) {
        long in = wideInput(s.x())[3];
        long k = s.w()[s.w().length - 1];
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
     * @throws IllegalStateException if {@code wide} is not a blocked layout with the batch and the
     *                               columns unblocked (oneDNN's CPU convolutions block channels only)
     */
    private static dnnl_memory_desc_t images(dnnl_memory_desc_t wide, long[] dims, long columns) {
        dnnl_memory_desc_t v = Dnnl.copy(wide);
        dnnl_blocking_desc_t b = v.format_desc_blocking();
        boolean unblocked = v.format_kind() == dnnl_blocked && v.ndims() == 4;
        for (int i = 0; i < b.inner_nblks(); i++) {
            unblocked &= b.inner_idxs().get(i) != 0 && b.inner_idxs().get(i) != 3;
        }
        if (!unblocked) {
            throw new IllegalStateException("side-by-side images need the batch and the columns unblocked");
        }
        v.dims().put(0, dims[0]).put(3, dims[3]);
        v.padded_dims().put(0, dims[0]).put(3, dims[3]);
        b.strides().put(0, columns * b.strides().get(3));
        return v;
    }
}
