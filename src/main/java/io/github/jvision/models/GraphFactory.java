package io.github.jvision.models;

import io.github.jvision.Backend;
import io.github.jvision.nn.InputTooSmallException;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The common frame of every model: an NCHW float32 input named {@code input}, a body, and its
 * outputs (the classifier first, then any auxiliary classifiers).
 */
final class GraphFactory {
    /** Name of the graph's input vertex. */
    static final String INPUT = "input";
    /** Largest input size searched for when reporting the smallest one a model accepts. */
    private static final int MAX_MIN_SIZE = 1024;

    private GraphFactory() {
    }

    /**
     * @throws InputTooSmallException if the input is too small for the architecture; the message
     *                                names the smallest square input that fits
     */
    static ComputationGraphConfiguration build(String model, ModelOptions o,
                                               BiFunction<Scope, Node, List<Node>> body) {
        Backend.init();
        ComputationGraphConfiguration.GraphBuilder graph;
        try {
            graph = graph(o, body);
        } catch (InputTooSmallException e) {
            int min = minSize(o, body);
            if (min < 0) {
                throw e; // no size fits: a fault of the architecture, not of the input
            }
            throw new InputTooSmallException(model + " needs inputs of at least " + min + "x" + min
                    + " pixels square; got " + o.imageHeight() + "x" + o.imageWidth() + " (" + e.getMessage() + ")", e);
        }
        try {
            return graph.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(model + " cannot be built for " + o.inChannels() + "x"
                    + o.imageHeight() + "x" + o.imageWidth() + " inputs: " + e.getMessage(), e);
        }
    }

    private static ComputationGraphConfiguration.GraphBuilder graph(ModelOptions o,
                                                                    BiFunction<Scope, Node, List<Node>> body) {
        InputType in = InputType.convolutional(o.imageHeight(), o.imageWidth(), o.inChannels());
        var graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(graph);
        List<Node> outputs = body.apply(root, root.input(INPUT, in));
        graph.setOutputs(outputs.stream().map(Node::name).toArray(String[]::new));
        return graph;
    }

    /** @return the smallest square input size the body accepts, found by trying each size; -1 if none */
    private static int minSize(ModelOptions o, BiFunction<Scope, Node, List<Node>> body) {
        for (int s = 1; s <= MAX_MIN_SIZE; s++) {
            try {
                graph(o.withSize(s, s), body);
                return s;
            } catch (InputTooSmallException tooSmall) {
                // try the next size
            }
        }
        return -1;
    }
}
