package io.github.jvision.nn;

import org.nd4j.linalg.activations.Activation;

/**
 * Residual blocks of He et al. 2015 (section 3, figure 5), with torchvision's layout and names:
 * {@code conv1, bn1, conv2, bn2[, conv3, bn3]}, the projection {@code downsample.0} (conv) and
 * {@code downsample.1} (BN), then {@code add} and {@code relu}. As torchvision (ResNet v1.5), the
 * bottleneck strides in its 3x3 convolution.
 */
public enum Residual {
    /** Two 3x3 convolutions; output channels = planes. */
    BASIC(1),
    /** 1x1 reduce, 3x3, 1x1 expand; output channels = 4 x planes. */
    BOTTLENECK(4);

    private final int expansion;

    Residual(int expansion) {
        this.expansion = expansion;
    }

    /** @return output channels per planes (1 or 4) */
    public int expansion() {
        return expansion;
    }

    /**
     * Writes one block into scope {@code s} (e.g. {@code layer2.0}).
     *
     * @param x        the block input
     * @param planes   the block's width; the output has {@code planes * expansion()} channels
     * @param stride   1, or 2 to halve the spatial size
     * @param shortcut how the input reaches the output ({@link Shortcut#NONE} for a plain block)
     * @return the block output, after the final ReLU
     */
    public Node build(Scope s, Node x, int planes, int stride, Shortcut shortcut) {
        int out = planes * expansion;
        Node y;
        if (this == BASIC) {
            y = Blocks.convBnAct(s, "conv1", "bn1", x, planes, 3, stride, 1, Activation.RELU);
            y = Blocks.convBnAct(s, "conv2", "bn2", y, planes, 3, 1, 1, Activation.IDENTITY);
        } else {
            y = Blocks.convBnAct(s, "conv1", "bn1", x, planes, 1, 1, 0, Activation.RELU);
            y = Blocks.convBnAct(s, "conv2", "bn2", y, planes, 3, stride, 1, Activation.RELU);
            y = Blocks.convBnAct(s, "conv3", "bn3", y, out, 1, 1, 0, Activation.IDENTITY);
        }
        if (shortcut == Shortcut.NONE) {
            return Blocks.act(s, "relu", y, Activation.RELU);
        }
        Node identity = shortcut(s, x, out, stride, shortcut);
        return Blocks.act(s, "relu", Blocks.add(s, "add", y, identity), Activation.RELU);
    }

    private static Node shortcut(Scope s, Node x, int out, int stride, Shortcut kind) {
        boolean reshapes = stride != 1 || x.channels() != out;
        if (kind == Shortcut.C || (kind == Shortcut.B && reshapes)) {
            Scope d = s.child("downsample");
            return Blocks.convBnAct(d, "0", "1", x, out, 1, stride, 0, Activation.IDENTITY);
        }
        if (reshapes) {
            return s.vertex("shortcut", new ChannelPadVertex(stride, out - x.channels()), x);
        }
        return x;
    }
}
