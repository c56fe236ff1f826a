package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * Squeeze-and-excitation (Hu et al. 2018, "Squeeze-and-Excitation Networks", section 3), as
 * torchvision's {@code SqueezeExcitation}: global average pool {@code avgpool}
 * ({@code [N, C, H, W] -> [N, C, 1, 1]}), 1x1 convolution {@code fc1} to {@code squeeze}
 * channels (with bias) and an activation, 1x1 convolution {@code fc2} back to C (with bias) and a
 * sigmoid, then the input scaled channel-wise by the result ({@code scale}, a
 * {@link ChannelScaleVertex}). Output shaped as the input.
 */
public final class SqueezeExcitation {

    private SqueezeExcitation() {
    }

    /**
     * @param s       the block's scope, e.g. {@code features.1.0.block.1}
     * @param x       the activation to recalibrate, {@code [N, C, H, W]}
     * @param squeeze the bottleneck width; EfficientNet uses {@code max(1, block_input_channels / 4)},
     *                from the MBConv block's <i>input</i>, not from C
     * @param act     the activation after {@code fc1} (ReLU in the paper, SiLU in EfficientNet)
     */
    public static Node build(Scope s, Node x, int squeeze, Activation act) {
        Node pooled = s.layer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG)
                .collapseDimensions(false).build(), x);
        Node reduced = Blocks.conv(s, "fc1", pooled, Conv.of(squeeze, 1).withBias(), act);
        Node scales = Blocks.conv(s, "fc2", reduced, Conv.of(x.channels(), 1).withBias(), Activation.SIGMOID);
        return s.vertex("scale", new ChannelScaleVertex(), x, scales);
    }
}
