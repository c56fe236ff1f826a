package io.github.jvision.nn;

import org.nd4j.linalg.activations.Activation;

/**
 * The mobile inverted bottleneck block (Sandler et al. 2018, MobileNetV2, section 3.3) with
 * squeeze-and-excitation, as used by EfficientNet (Tan &amp; Le 2019, section 4) and written by
 * torchvision's {@code MBConv}. Inside scope {@code block}, numbered as torchvision's
 * {@code nn.Sequential}: a 1x1 expansion conv-BN-SiLU to {@code makeDivisible(in * expand, 8)}
 * channels (omitted when that equals {@code in}, as for {@code expand} 1), a depthwise {@code kernel x kernel} conv-BN-SiLU
 * carrying the stride, squeeze-and-excitation to {@code max(1, in / 4)} channels, and a 1x1
 * projection conv-BN without activation. When the stride is 1 and the channels are unchanged, the
 * input is added back, after stochastic depth ({@code stochastic_depth}, a {@link DropPathVertex})
 * on the branch.
 *
 * @param expand   expansion ratio of the hidden width (1 or 6 in EfficientNet)
 * @param kernel   depthwise kernel size (3 or 5), padded to keep the size at stride 1
 * @param stride   1 or 2
 * @param out      output channels
 * @param dropPath stochastic-depth probability of the residual branch, in [0, 1)
 */
public record MBConv(int expand, int kernel, int stride, int out, double dropPath) {
    /**
     * @throws IllegalArgumentException if expand &lt; 1, the kernel is not odd, the stride not 1 or
     *                                  2, out &lt; 1 or dropPath outside [0, 1)
     */
    public MBConv {
        if (expand < 1 || kernel < 1 || kernel % 2 == 0 || (stride != 1 && stride != 2) || out < 1
                || !(dropPath >= 0 && dropPath < 1)) {
            throw new IllegalArgumentException("bad MBConv: expand " + expand + ", kernel " + kernel + ", stride "
                    + stride + ", out " + out + ", drop path " + dropPath);
        }
    }

    /**
     * torchvision's {@code _make_divisible} (from the TF MobileNet code): {@code v} rounded to the
     * nearest multiple of {@code divisor}, at least {@code divisor}, and never below 90% of {@code v}.
     */
    public static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /**
     * Writes the block into scope {@code s} (e.g. {@code features.2.0}).
     *
     * @param x    the block input {@code [N, in, H, W]}
     * @param norm batch-norm settings for every BN in the block
     * @return the block output {@code [N, out, ceil(H / stride), ceil(W / stride)]}
     */
    public Node build(Scope s, Node x, Norm norm) {
        Scope block = s.child("block");
        int in = x.channels();
        int hidden = makeDivisible(in * (double) expand, 8);
        int step = 0;
        Node y = x;
        if (hidden != in) { // torchvision's condition; differs from expand != 1 when in is not a multiple of 8
            y = Blocks.convBnAct(block.child(step++), "0", "1", y, Conv.of(hidden, 1), norm, Activation.SWISH);
        }
        y = Blocks.convBnAct(block.child(step++), "0", "1", y, Conv.of(hidden, kernel).stride(stride).same().asDepthwise(),
                norm, Activation.SWISH);
        y = SqueezeExcitation.build(block.child(step++), y, Math.max(1, in / 4), Activation.SWISH);
        y = Blocks.convBnAct(block.child(step), "0", "1", y, Conv.of(out, 1), norm, Activation.IDENTITY);
        if (stride != 1 || in != out) {
            return y;
        }
        if (dropPath > 0) {
            y = s.vertex("stochastic_depth", new DropPathVertex(dropPath), y);
        }
        return Blocks.add(s, "add", y, x);
    }
}
