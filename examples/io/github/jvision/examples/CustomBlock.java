package io.github.jvision.examples;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Summary;
import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Residual;
import io.github.jvision.nn.Scope;
import io.github.jvision.nn.Shortcut;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A custom block from the block API: a two-branch "wide" stem (3x3 and 5x5 conv-BN-ReLU,
 * concatenated), followed by library residual blocks and the classifier head. Blocks take a
 * {@link Scope} (which names layers like torchvision module paths) and return a {@link Node}
 * handle, so nobody computes channel counts or vertex names by hand.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.CustomBlock</pre>
 */
public final class CustomBlock {

    /** Two parallel conv-BN-ReLU branches of different receptive fields, concatenated on channels. */
    static Node twoBranch(Scope s, Node x, int width) {
        Node a = Blocks.convBnAct(s.child("branch3x3"), "conv", "bn", x, width, 3, 1, 1, Activation.RELU);
        Node b = Blocks.convBnAct(s.child("branch5x5"), "conv", "bn", x, width, 5, 1, 2, Activation.RELU);
        return Blocks.concat(s, "cat", a, b);                                            // 2 x width channels
    }

    public static void main(String[] args) {
        var graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(graph);
        Node input = root.input("input", InputType.convolutional(28, 28, 1));              // [N, 1, 28, 28]
        Node x = twoBranch(root.child("stem"), input, 16);                                  // [N, 32, 28, 28]
        x = Residual.BASIC.build(root.child("layer1").child(0), x, 32, 1, Shortcut.B);      // [N, 32, 28, 28]
        x = Residual.BASIC.build(root.child("layer2").child(0), x, 64, 2, Shortcut.B);      // [N, 64, 14, 14]
        Node out = Blocks.classifierHead(root, x, 10, 0.1);
        graph.setOutputs(out.name());
        var conf = graph.build();

        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        System.out.println(net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28)).shapeInfoToString());
        Summary s = Summary.of("custom", conf, new ModelOptions(10, 1, 28));
        s.layers().forEach(r -> System.out.printf("%-26s %-20s %,9d%n", r.name(), r.type(), r.params()));
        System.out.printf("total %,d parameters, %,d MACs%n", s.params(), s.macs());
    }
}
