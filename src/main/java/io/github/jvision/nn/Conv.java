package io.github.jvision.nn;

/**
 * The geometry of a 2-D convolution, as the arguments of torchvision's {@code nn.Conv2d}:
 * output channels, kernel {@code kh x kw}, stride, zero padding, bias, and whether it is
 * depthwise ({@code groups = in_channels}, one filter per channel, so out = in).
 *
 * <pre>{@code
 * Conv.of(64, 7).stride(2).padding(3)            // ResNet's stem, no bias
 * Conv.of(192, 1, 7).padding(0, 3)               // Inception v3's 1x7
 * Conv.of(64, 3).padding(1).withBias()           // VGG
 * Conv.of(96, 3).same().asDepthwise()              // MBConv's depthwise 3x3
 * }</pre>
 *
 * @param out       output channels (for a depthwise convolution: equal to the input's)
 * @param kh        kernel height
 * @param kw        kernel width
 * @param stride    stride along both axes
 * @param padH      zero padding above and below
 * @param padW      zero padding left and right
 * @param bias      whether the convolution has a bias (torchvision omits it before batch norm)
 * @param depthwise one {@code kh x kw} filter per input channel
 */
public record Conv(int out, int kh, int kw, int stride, int padH, int padW, boolean bias, boolean depthwise) {
    public Conv {
        if (out < 1 || kh < 1 || kw < 1 || stride < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("bad convolution " + out + " channels, kernel " + kh + "x" + kw
                    + ", stride " + stride + ", padding " + padH + "x" + padW);
        }
    }

    /** A square {@code k x k} convolution, stride 1, no padding, no bias. */
    public static Conv of(int out, int k) {
        return of(out, k, k);
    }

    /** A {@code kh x kw} convolution, stride 1, no padding, no bias. */
    public static Conv of(int out, int kh, int kw) {
        return new Conv(out, kh, kw, 1, 0, 0, false, false);
    }

    /** @return this convolution with stride {@code s} */
    public Conv stride(int s) {
        return new Conv(out, kh, kw, s, padH, padW, bias, depthwise);
    }

    /** @return this convolution with padding {@code p} on every side */
    public Conv padding(int p) {
        return padding(p, p);
    }

    /** @return this convolution with padding {@code ph} above and below, {@code pw} left and right */
    public Conv padding(int ph, int pw) {
        return new Conv(out, kh, kw, stride, ph, pw, bias, depthwise);
    }

    /** @return this convolution with torchvision's default padding {@code (k - 1) / 2} ("same" at stride 1 for odd kernels) */
    public Conv same() {
        return padding((kh - 1) / 2, (kw - 1) / 2);
    }

    /** @return this convolution with a bias */
    public Conv withBias() {
        return new Conv(out, kh, kw, stride, padH, padW, true, depthwise);
    }

    /** @return this convolution made depthwise ({@code groups = in_channels = out}) */
    public Conv asDepthwise() {
        return new Conv(out, kh, kw, stride, padH, padW, bias, true);
    }
}
