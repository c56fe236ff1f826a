package io.github.jvision.image;

/** How resampling reads between pixels, as torchvision's {@code InterpolationMode}. */
public enum Interpolation {
    /** The pixel whose cell contains the point ({@code floor} for resizing, as PyTorch's "nearest"; rounding for warps). */
    NEAREST,
    /** Linear in each axis over the 2 nearest pixels. */
    BILINEAR,
    /** Cubic convolution over the 4 nearest pixels in each axis (Keys' a = -0.75, or -0.5 with antialiasing, as PyTorch). */
    BICUBIC
}
