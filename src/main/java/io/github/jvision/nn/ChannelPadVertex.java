package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Shortcut option A of He et al. 2015 (section 3.3; section 4.2 for CIFAR-10): strided
 * subsampling {@code x[:, :, ::s, ::s]} followed by zero channels padded equally before and
 * after, so that {@code [N, C, H, W]} becomes {@code [N, C + pad, ceil(H/s), ceil(W/s)]}.
 * It has no parameters. DL4J has no vertex for channel padding, hence this one.
 */
public final class ChannelPadVertex extends ParameterFreeVertex {
    private final int stride;
    private final int pad;

    /**
     * @param stride spatial subsampling step (1 keeps every pixel)
     * @param pad    number of zero channels to add, split {@code pad/2} before, the rest after
     * @throws IllegalArgumentException if stride &lt; 1 or pad &lt; 0
     */
    public ChannelPadVertex(@JsonProperty("stride") int stride, @JsonProperty("pad") int pad) {
        super(1);
        if (stride < 1 || pad < 0) {
            throw new IllegalArgumentException("ChannelPadVertex needs stride >= 1 and pad >= 0; got stride "
                    + stride + ", pad " + pad);
        }
        this.stride = stride;
        this.pad = pad;
    }

    /** @return the spatial subsampling step */
    public int getStride() {
        return stride;
    }

    /** @return the number of zero channels added */
    public int getPad() {
        return pad;
    }

    @Override
    public ChannelPadVertex clone() {
        return new ChannelPadVertex(stride, pad);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelPadVertex v && v.stride == stride && v.pad == pad;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stride, pad);
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                     INDArray paramsView, boolean initializeParams,
                                                                     DataType dataType) {
        return new ChannelPadVertexImpl(graph, name, idx, stride, pad, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional c = image("ChannelPadVertex", in);
        return InputType.convolutional(ceilDiv(c.getHeight(), stride), ceilDiv(c.getWidth(), stride),
                c.getChannels() + pad, c.getFormat());
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "ChannelPadVertex(stride=" + stride + ", pad=" + pad + ")";
    }
}
