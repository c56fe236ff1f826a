package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Conv;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * AlexNet (Krizhevsky et al. 2012), in torchvision's single-tower layout from Krizhevsky 2014,
 * "One weird trick for parallelizing convolutional neural networks": five convolutions of
 * 64-192-384-256-256 channels with ReLU, three 3x3/2 max pools, adaptive average pooling to 6x6
 * and a classifier of two 4096-wide ReLU layers, each after dropout 0.5. Layer names are
 * torchvision's {@code features.N} and {@code classifier.N}; ReLU is fused into the convolution or
 * dense layer before it, so their indices are skipped.
 */
public enum AlexNet implements Architecture {
    ALEXNET;

    /** One convolution with bias and ReLU, optionally followed by a 3x3/2 max pool. */
    private record Layer(Conv conv, boolean pool) {
    }

    /** The single-tower feature extractor: 64-192-384-256-256 channels. */
    private static final List<Layer> FEATURES = List.of(
            new Layer(Conv.of(64, 11).stride(4).padding(2).withBias(), true),
            new Layer(Conv.of(192, 5).padding(2).withBias(), true),
            new Layer(Conv.of(384, 3).padding(1).withBias(), false),
            new Layer(Conv.of(256, 3).padding(1).withBias(), false),
            new Layer(Conv.of(256, 3).padding(1).withBias(), true));

    @Override
    public String family() {
        return "alexnet";
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
            int i = 0; // torchvision's nn.Sequential index: conv, ReLU (fused, index skipped), [max pool]
            for (Layer layer : FEATURES) {
                x = Blocks.conv(f, String.valueOf(i), x, layer.conv(), Activation.RELU);
                i += 2;
                if (layer.pool()) {
                    x = Blocks.maxPool(f, String.valueOf(i++), x, 3, 2, 0);
                }
            }
            x = Blocks.adaptiveAvgPool(root, "avgpool", x, 6, 6);
            return List.of(Blocks.denseClassifier(root.child("classifier"), x, options.numClasses(), true));
        });
    }
}
