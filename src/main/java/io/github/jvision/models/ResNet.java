package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Residual;
import io.github.jvision.nn.Scope;
import io.github.jvision.nn.Shortcut;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * ResNet, He et al. 2015, "Deep Residual Learning for Image Recognition".
 *
 * <p>The ImageNet models (table 1) are identical in structure to torchvision's
 * {@code resnet18 ... resnet152} (v1.5: the bottleneck strides in its 3x3 convolution; option-B
 * shortcuts). The CIFAR models (section 4.2) have a 3x3 stem and three stages of 16/32/64
 * channels with n blocks each (depth 6n + 2) and option-A shortcuts; the {@code plain} variants
 * are the same stacks without shortcuts, for the degradation experiment of figure 6.
 */
public enum ResNet implements Architecture {
    RESNET18(Residual.BASIC, Stem.IMAGENET, Shortcut.B, 2, 2, 2, 2),
    RESNET34(Residual.BASIC, Stem.IMAGENET, Shortcut.B, 3, 4, 6, 3),
    RESNET50(Residual.BOTTLENECK, Stem.IMAGENET, Shortcut.B, 3, 4, 6, 3),
    RESNET101(Residual.BOTTLENECK, Stem.IMAGENET, Shortcut.B, 3, 4, 23, 3),
    RESNET152(Residual.BOTTLENECK, Stem.IMAGENET, Shortcut.B, 3, 8, 36, 3),
    RESNET20(Residual.BASIC, Stem.CIFAR, Shortcut.A, 3, 3, 3),
    RESNET32(Residual.BASIC, Stem.CIFAR, Shortcut.A, 5, 5, 5),
    RESNET44(Residual.BASIC, Stem.CIFAR, Shortcut.A, 7, 7, 7),
    RESNET56(Residual.BASIC, Stem.CIFAR, Shortcut.A, 9, 9, 9),
    RESNET110(Residual.BASIC, Stem.CIFAR, Shortcut.A, 18, 18, 18),
    PLAIN20(Residual.BASIC, Stem.CIFAR, Shortcut.NONE, 3, 3, 3),
    PLAIN32(Residual.BASIC, Stem.CIFAR, Shortcut.NONE, 5, 5, 5),
    PLAIN44(Residual.BASIC, Stem.CIFAR, Shortcut.NONE, 7, 7, 7),
    PLAIN56(Residual.BASIC, Stem.CIFAR, Shortcut.NONE, 9, 9, 9),
    PLAIN110(Residual.BASIC, Stem.CIFAR, Shortcut.NONE, 18, 18, 18);

    /** The two stems of the paper: ImageNet's 7x7/2 conv + 3x3/2 max pool, CIFAR's 3x3 conv. */
    enum Stem {
        IMAGENET(224, 1000, 64, 128, 256, 512),
        CIFAR(32, 10, 16, 32, 64);

        final int nativeSize;
        final int classes;
        final int[] widths;

        Stem(int nativeSize, int classes, int... widths) {
            this.nativeSize = nativeSize;
            this.classes = classes;
            this.widths = widths;
        }
    }

    private final Residual block;
    private final Stem stem;
    private final Shortcut shortcut;
    private final int[] depths;

    ResNet(Residual block, Stem stem, Shortcut shortcut, int... depths) {
        this.block = block;
        this.stem = stem;
        this.shortcut = shortcut;
        this.depths = depths;
    }

    @Override
    public String family() {
        return shortcut == Shortcut.NONE ? "plain" : "resnet";
    }

    @Override
    public int nativeSize() {
        return stem.nativeSize;
    }

    @Override
    public int defaultClasses() {
        return stem.classes;
    }

    @Override
    public ComputationGraphConfiguration configure(ModelOptions options) {
        return GraphFactory.build(modelName(), options, (root, input) -> {
            Node x;
            if (stem == Stem.IMAGENET) {
                x = Blocks.convBnAct(root, "conv1", "bn1", input, stem.widths[0], 7, 2, 3, Activation.RELU);
                x = Blocks.maxPool(root, "maxpool", x, 3, 2, 1);
            } else {
                x = Blocks.convBnAct(root, "conv1", "bn1", input, stem.widths[0], 3, 1, 1, Activation.RELU);
            }
            for (int stage = 0; stage < depths.length; stage++) {
                Scope layer = root.child("layer" + (stage + 1));
                for (int i = 0; i < depths[stage]; i++) {
                    int stride = stage > 0 && i == 0 ? 2 : 1;
                    x = block.build(layer.child(i), x, stem.widths[stage], stride, shortcut);
                }
            }
            return List.of(Blocks.classifierHead(root, x, options.numClasses(), 0));
        });
    }
}
