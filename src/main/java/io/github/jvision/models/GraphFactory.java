package io.github.jvision.models;

import io.github.jvision.Backend;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.function.BiFunction;

/** The common frame of every model: an NCHW float32 input named {@code input}, a body, one output. */
final class GraphFactory {
    /** Name of the graph's input vertex. */
    static final String INPUT = "input";

    private GraphFactory() {
    }

    static ComputationGraphConfiguration build(String model, ModelOptions o, BiFunction<Scope, Node, Node> body) {
        Backend.init();
        var graph = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(o.imageHeight(), o.imageWidth(), o.inChannels()));
        Node out = body.apply(Scope.root(graph), new Node(INPUT, o.inChannels()));
        graph.setOutputs(out.name());
        try {
            return graph.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(model + " cannot be built for " + o.inChannels() + "x"
                    + o.imageHeight() + "x" + o.imageWidth() + " inputs: " + e.getMessage(), e);
        }
    }
}
