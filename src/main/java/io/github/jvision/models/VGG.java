package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Conv;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Norm;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * VGG (Simonyan &amp; Zisserman 2014, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition", table 1 configurations A, B, D, E), with torchvision's optional batch norm after
 * every convolution ({@code _bn}). Stacks of 3x3 convolutions (with bias, even before batch
 * norm, as torchvision) and 2x2/2 max pools, adaptive average pooling to 7x7, and a classifier of
 * two 4096-wide ReLU layers each followed by dropout 0.5. Layer names are torchvision's
 * {@code features.N} and {@code classifier.N}; a ReLU right after a convolution or dense layer is
 * fused into it, so its index is skipped.
 */
public enum VGG implements Architecture {
    VGG11(false, Config.A), VGG13(false, Config.B), VGG16(false, Config.D), VGG19(false, Config.E),
    VGG11_BN(true, Config.A), VGG13_BN(true, Config.B), VGG16_BN(true, Config.D), VGG19_BN(true, Config.E);

    /** Table 1 of the paper: 3x3 convolutions per stage, for stages of 64, 128, 256, 512, 512 channels. */
    enum Config {
        A(1, 1, 2, 2, 2), B(2, 2, 2, 2, 2), D(2, 2, 3, 3, 3), E(2, 2, 4, 4, 4);

        static final int[] WIDTHS = {64, 128, 256, 512, 512};
        final int[] convs;

        Config(int... convs) {
            this.convs = convs;
        }
    }

    private final boolean batchNorm;
    private final Config config;

    VGG(boolean batchNorm, Config config) {
        this.batchNorm = batchNorm;
        this.config = config;
    }

    @Override
    public String family() {
        return "vgg";
    }

    @Override
    public int nativeSize() {
        return 224;
    }

    @Override
    public ComputationGraphConfiguration configure(ModelOptions options) {
        return GraphFactory.build(modelName(), options, (root, input) -> {
            Scope f = root.child("features");
            Node x = input;
            int i = 0;
            for (int stage = 0; stage < config.convs.length; stage++) {
                Conv conv = Conv.of(Config.WIDTHS[stage], 3).padding(1).withBias();
                for (int c = 0; c < config.convs[stage]; c++) {
                    if (batchNorm) {
                        x = Blocks.conv(f, String.valueOf(i), x, conv, Activation.IDENTITY);
                        x = Blocks.bn(f, String.valueOf(i + 1), x, Norm.DEFAULT, Activation.IDENTITY);
                        x = Blocks.act(f, String.valueOf(i + 2), x, Activation.RELU);
                        i += 3;
                    } else {
                        x = Blocks.conv(f, String.valueOf(i), x, conv, Activation.RELU);
                        i += 2;
                    }
                }
                x = Blocks.maxPool(f, String.valueOf(i++), x, 2, 2, 0);
            }
            x = Blocks.adaptiveAvgPool(root, "avgpool", x, 7, 7);
            return List.of(Blocks.denseClassifier(root.child("classifier"), x, options.numClasses(), false));
        });
    }
}
