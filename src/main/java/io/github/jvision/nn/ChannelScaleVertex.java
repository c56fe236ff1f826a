package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Channel-wise scaling {@code y[n, c, h, w] = x[n, c, h, w] * s[n, c]}, the last step of
 * squeeze-and-excitation (Hu et al. 2018, section 3.2, "F_scale"). Inputs, in order: the
 * image {@code x [N, C, H, W]} and the scales {@code s [N, C, 1, 1]}; output shaped as {@code x}.
 * DL4J's element-wise vertices need equal shapes, hence this vertex.
 */
public final class ChannelScaleVertex extends ParameterFreeVertex {

    public ChannelScaleVertex() {
        super(2);
    }

    @Override
    public ChannelScaleVertex clone() {
        return new ChannelScaleVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelScaleVertex;
    }

    @Override
    public int hashCode() {
        return ChannelScaleVertex.class.hashCode();
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        return new ChannelScaleVertexImpl(graph, name, idx, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional x = image("ChannelScaleVertex", in);
        if (in.length != 2 || !(in[1] instanceof InputType.InputTypeConvolutional s)
                || s.getHeight() != 1 || s.getWidth() != 1 || s.getChannels() != x.getChannels()) {
            throw new InvalidInputTypeException("ChannelScaleVertex needs an image [C, H, W] and scales [C, 1, 1] with C = "
                    + x.getChannels() + "; got " + java.util.Arrays.toString(in));
        }
        return x;
    }

    @Override
    public String toString() {
        return "ChannelScaleVertex()";
    }
}
