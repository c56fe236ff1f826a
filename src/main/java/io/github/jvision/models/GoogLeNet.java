package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Conv;
import io.github.jvision.nn.Inception;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Norm;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * GoogLeNet (Szegedy et al. 2014, "Going Deeper with Convolutions", table 1), as torchvision's
 * {@code googlenet}: a stem of 7x7/2, 1x1 and 3x3 convolutions with ceil-mode max pools, nine
 * Inception modules ({@link Inception#googlenet}, with torchvision's 3x3 in place of the paper's
 * 5x5), global average pooling, dropout 0.2 and {@code fc}. Every convolution is a
 * {@code BasicConv2d} with batch norm (eps 1e-3, torchvision's addition to the paper).
 *
 * <p>The auxiliary classifiers {@code aux1} (after {@code inception4a}) and {@code aux2} (after
 * {@code inception4d}) are built only with {@link ModelOptions#auxLogits()}: adaptive average
 * pooling to 4x4, a 1x1 {@code BasicConv2d} to 128 channels, {@code fc1} (1024, ReLU), dropout
 * 0.7 and {@code fc2}; their losses weigh 0.3 each, as in the paper (section 5). Without them the parameter count is torchvision's published one. The
 * network does not normalise its input (torchvision's {@code transform_input} belongs to the
 * weights' preprocessing).
 */
public enum GoogLeNet implements Architecture {
    GOOGLENET;

    /** One row of table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5 (3x3 here), pool proj. */
    private record Module(String name, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) {
    }

    /** Table 1 by stage; a ceil-mode max pool (kernel POOL_BEFORE[i], stride 2) precedes stages 4 and 5. */
    private static final List<List<Module>> STAGES = List.of(
            List.of(new Module("inception3a", 64, 96, 128, 16, 32, 32),
                    new Module("inception3b", 128, 128, 192, 32, 96, 64)),
            List.of(new Module("inception4a", 192, 96, 208, 16, 48, 64),
                    new Module("inception4b", 160, 112, 224, 24, 64, 64),
                    new Module("inception4c", 128, 128, 256, 24, 64, 64),
                    new Module("inception4d", 112, 144, 288, 32, 64, 64),
                    new Module("inception4e", 256, 160, 320, 32, 128, 128)),
            List.of(new Module("inception5a", 256, 160, 320, 32, 128, 128),
                    new Module("inception5b", 384, 192, 384, 48, 128, 128)));
    private static final int[] POOL_BEFORE = {0, 3, 2};
    /** The auxiliary classifiers read the outputs of these modules. */
    private static final List<String> AUX_AFTER = List.of("inception4a", "inception4d");

    @Override
    public String family() {
        return "googlenet";
    }

    @Override
    public int nativeSize() {
        return 224;
    }

    @Override
    public ComputationGraphConfiguration configure(ModelOptions options) {
        return GraphFactory.build(modelName(), options, (root, input) -> {
            Node x = Inception.basicConv(root.child("conv1"), input, Conv.of(64, 7).stride(2).padding(3), Inception.NORM);
            x = Blocks.maxPoolCeil(root, "maxpool1", x, 3, 2);
            x = Inception.basicConv(root.child("conv2"), x, Conv.of(64, 1), Inception.NORM);
            x = Inception.basicConv(root.child("conv3"), x, Conv.of(192, 3).padding(1), Inception.NORM);
            x = Blocks.maxPoolCeil(root, "maxpool2", x, 3, 2);
            List<Node> aux = new ArrayList<>();
            for (int stage = 0; stage < STAGES.size(); stage++) {
                if (POOL_BEFORE[stage] > 0) {
                    x = Blocks.maxPoolCeil(root, "maxpool" + (stage + 2), x, POOL_BEFORE[stage], 2);
                }
                for (Module m : STAGES.get(stage)) {
                    x = Inception.googlenet(root.child(m.name()), x, Inception.NORM, m.ch1x1(), m.ch3x3red(), m.ch3x3(),
                            m.ch5x5red(), m.ch5x5(), m.poolProj());
                    if (options.auxLogits() && AUX_AFTER.contains(m.name())) {
                        aux.add(auxiliary(root.child("aux" + (aux.size() + 1)), x, options.numClasses()));
                    }
                }
            }
            List<Node> outputs = new ArrayList<>(List.of(Blocks.classifierHead(root, x, options.numClasses(), 0.2)));
            outputs.addAll(aux);
            return outputs;
        });
    }

    /** torchvision's GoogLeNet {@code InceptionAux}. */
    private static Node auxiliary(Scope s, Node x, int numClasses) {
        Node y = Blocks.adaptiveAvgPool(s, "avgpool", x, 4, 4);
        y = Inception.basicConv(s.child("conv"), y, Conv.of(128, 1), Inception.NORM);
        y = Blocks.linear(s, "fc1", y, 1024, Activation.RELU);
        y = Blocks.dropout(s, "dropout", y, 0.7);
        return Blocks.output(s, "fc2", y, numClasses, 0.3);
    }
}
