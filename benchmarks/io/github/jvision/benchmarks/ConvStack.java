package io.github.jvision.benchmarks;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Residual;
import io.github.jvision.nn.Scope;
import io.github.jvision.nn.Shortcut;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The performance issue's conv-BN-ReLU stack: a 7x7 stem and eight 3x3 convolutions from 64 to 512
 * channels, each followed by batch norm and ReLU. Laid out as ResNet-18 with one block per stage
 * and no shortcuts (a plain ResNet-10): stem {@code conv1} (7x7, stride 2) and {@code maxpool}
 * (3x3, stride 2), then {@code layer1} to {@code layer4} of two 3x3 convolutions each (64, 128,
 * 256, 512 channels; the first of {@code layer2}-{@code layer4} with stride 2), global average
 * pooling and a 1000-class {@code fc}. Input {@code [N, 3, 224, 224]}; 0.87 GMACs per image.
 * {@code benchmarks/torch_worker.py} builds the same network in PyTorch. A benchmark workload, not
 * a registry model: torchvision has no such network, so it stays out of the library's names. Its
 * stem repeats ResNet's ({@code conv1}, {@code bn1}, {@code maxpool}, torchvision's names), the
 * stages are the block API's plain {@link Residual#BASIC}.
 */
final class ConvStack {
    static final String NAME = "convstack";

    private ConvStack() {
    }

    /** @return the stack for {@code [N, 3, size, size]} inputs and {@code classes} outputs */
    static ComputationGraphConfiguration configure(int classes, int size) {
        var graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(graph);
        Node x = root.input("input", InputType.convolutional(size, size, 3));
        x = Blocks.convBnAct(root, "conv1", "bn1", x, 64, 7, 2, 3, Activation.RELU);
        x = Blocks.maxPool(root, "maxpool", x, 3, 2, 1);
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < widths.length; stage++) {
            x = Residual.BASIC.build(root.child("layer" + (stage + 1)).child(0), x, widths[stage],
                    stage == 0 ? 1 : 2, Shortcut.NONE);
        }
        graph.setOutputs(Blocks.classifierHead(root, x, classes, 0).name());
        return graph.build();
    }
}
