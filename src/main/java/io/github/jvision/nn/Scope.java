package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * A naming scope over a DL4J graph builder: vertices added through it are named
 * {@code prefix.local}, so that {@code root.child("layer3").child(1).add("conv2", ...)} names
 * its layer {@code layer3.1.conv2}, torchvision's module path. Scopes are cheap views sharing one
 * builder.
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
     * Adds a layer; DL4J infers its {@code nIn} from the input type.
     *
     * @param channels the channels (or features) the layer outputs
     * @return handle to the new layer's output
     */
    public Node layer(String local, Layer layer, int channels, Node... inputs) {
        String name = name(local);
        graph.addLayer(name, layer, names(inputs));
        return new Node(name, channels);
    }

    /** Adds a parameter-free vertex (element-wise add, merge, custom). */
    public Node vertex(String local, GraphVertex vertex, int channels, Node... inputs) {
        String name = name(local);
        graph.addVertex(name, vertex, names(inputs));
        return new Node(name, channels);
    }

    private static String[] names(Node... nodes) {
        String[] names = new String[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            names[i] = nodes[i].name();
        }
        return names;
    }
}
