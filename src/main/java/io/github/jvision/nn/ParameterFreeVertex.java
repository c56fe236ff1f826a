package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * Configuration side shared by jvision's custom DL4J vertices: operations DL4J lacks that have
 * no parameters. Subclasses are immutable, serialise to the model's JSON through their
 * {@code @JsonProperty} constructor arguments, and name their input count.
 */
abstract class ParameterFreeVertex extends GraphVertex {
    @JsonIgnore // fixed by the subclass; not configuration
    private final int inputs;

    ParameterFreeVertex(int inputs) {
        this.inputs = inputs;
    }

    @Override
    public final long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public final int minVertexInputs() {
        return inputs;
    }

    @Override
    public final int maxVertexInputs() {
        return inputs;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        InputType out = getOutputType(-1, in);
        return new LayerMemoryReport.Builder(null, getClass(), in[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** @return the single convolutional input type, or an exception naming what was found */
    static InputType.InputTypeConvolutional image(String vertex, InputType... in) {
        if (in.length < 1 || !(in[0] instanceof InputType.InputTypeConvolutional c)) {
            throw new org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException(vertex
                    + " needs an image input [C, H, W]; got " + java.util.Arrays.toString(in));
        }
        return c;
    }
}
