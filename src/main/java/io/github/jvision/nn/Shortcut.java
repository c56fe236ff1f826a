package io.github.jvision.nn;

/**
 * The three shortcut options of He et al. 2015, "Deep Residual Learning for Image Recognition",
 * section 3.3, plus none (a plain network, section 4.1's "plain" baselines).
 */
public enum Shortcut {
    /** Option A: identity; when the shape changes, strided subsampling and zero-padded channels. No parameters. */
    A,
    /** Option B: identity, and a 1x1 convolution + BN projection where the shape changes (torchvision's choice). */
    B,
    /** Option C: a 1x1 convolution + BN projection on every block. */
    C,
    /** No shortcut at all: the block is two (or three) stacked layers. */
    NONE
}
