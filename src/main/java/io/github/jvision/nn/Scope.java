package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

import java.util.function.Supplier;

/**
 * A naming scope over a DL4J graph builder: vertices added through it are named
 * {@code prefix.local}, so that {@code root.child("layer3").child(1).layer("conv2", ...)} names
 * its layer {@code layer3.1.conv2}, torchvision's module path. Scopes are cheap views sharing one
 * builder. Every vertex's output type is computed as it is added, so a layer that does not fit
 * its input fails at once, naming the layer.
 */
public final class Scope {
    private final ComputationGraphConfiguration.GraphBuilder graph;
    private final String prefix;

    private Scope(ComputationGraphConfiguration.GraphBuilder graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    /** @return the root scope (no prefix) over {@code graph} */
    public static Scope root(ComputationGraphConfiguration.GraphBuilder graph) {
        return new Scope(graph, "");
    }

    /**
     * Declares the graph's single input, e.g. {@code root.input("input", InputType.convolutional(28, 28, 1))}
     * for {@code [N, 1, 28, 28]} images.
     *
     * @return handle to the input
     */
    public Node input(String name, InputType type) {
        graph.addInputs(name).setInputTypes(type);
        return new Node(name, type);
    }

    /** @return a nested scope {@code prefix.name} */
    public Scope child(String name) {
        return new Scope(graph, name(name));
    }

    /** @return a nested scope {@code prefix.index}, as torchvision's {@code nn.Sequential} names children */
    public Scope child(int index) {
        return child(Integer.toString(index));
    }

    /** @return the full vertex name for {@code local} in this scope */
    public String name(String local) {
        return prefix.isEmpty() ? local : prefix + "." + local;
    }

    /**
     * Adds a layer; DL4J infers its {@code nIn} from the input type (flattening an image
     * {@code [C, H, W]} to {@code [C*H*W]} in C order before a dense layer, as {@code torch.flatten}).
     *
     * @return handle to the new layer's output
     * @throws InputTooSmallException   if a convolution or pooling window is larger than its padded input
     * @throws IllegalArgumentException if the input does not fit the layer otherwise
     */
    public Node layer(String local, Layer layer, Node input) {
        String name = name(local);
        InputPreProcessor flatten = layer.getPreProcessorForInputType(input.type());
        InputType in = flatten == null ? input.type() : flatten.getOutputType(input.type());
        checkWindow(name, layer, in);
        InputType out = outputType(name, input, () -> layer.getOutputType(-1, in));
        graph.addLayer(name, layer, input.name());
        return new Node(name, out);
    }

    /**
     * Adds a parameter-free vertex (element-wise add, merge, custom).
     *
     * @throws IllegalArgumentException if the inputs do not fit the vertex (e.g. a merge of branches
     *                                  of different sizes)
     */
    public Node vertex(String local, GraphVertex vertex, Node... inputs) {
        String name = name(local);
        InputType[] in = new InputType[inputs.length];
        String[] names = new String[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i].type();
            names[i] = inputs[i].name();
        }
        InputType out = outputType(name, inputs[0], () -> vertex.getOutputType(-1, in));
        graph.addVertex(name, vertex, names);
        return new Node(name, out);
    }

    /**
     * A convolution or pooling window must fit in the padded input. (DL4J's own type inference
     * lets a window larger than the input through in truncate mode, to fail only when data flows.)
     */
    private static void checkWindow(String name, Layer layer, InputType in) {
        int[] k, p, d;
        if (layer instanceof ConvolutionLayer c) {
            k = c.getKernelSize();
            p = c.getPadding();
            d = c.getDilation();
        } else if (layer instanceof SubsamplingLayer s) {
            k = s.getKernelSize();
            p = s.getPadding();
            d = s.getDilation();
        } else {
            return;
        }
        if (!(in instanceof InputType.InputTypeConvolutional c)) {
            return; // DL4J reports the wrong kind of input itself
        }
        long[] size = {c.getHeight(), c.getWidth()};
        for (int axis = 0; axis < 2; axis++) {
            long window = (long) (k[axis] - 1) * d[axis] + 1;
            if (window > size[axis] + 2L * p[axis]) {
                throw new InputTooSmallException(name, in, "its " + k[0] + "x" + k[1] + " window does not fit in "
                        + size[0] + "x" + size[1] + " with padding " + p[0] + "x" + p[1]);
            }
        }
    }

    /** DL4J's output type, or its complaint naming the vertex (a size problem was caught before). */
    private static InputType outputType(String name, Node input, Supplier<InputType> type) {
        try {
            return type.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("vertex " + name + " does not fit its input " + input.type() + ": "
                    + e.getMessage(), e);
        }
    }
}
