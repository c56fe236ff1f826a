package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Adaptive average pooling to a fixed output size, as PyTorch's
 * {@code nn.AdaptiveAvgPool2d((outHeight, outWidth))}: {@code [N, C, H, W] -> [N, C, oh, ow]},
 * where output cell {@code (i, j)} averages input rows {@code floor(i H / oh) .. ceil((i + 1) H / oh) - 1}
 * and the columns likewise. Windows overlap or repeat when the input is smaller than the output
 * (a 1x1 input becomes {@code oh x ow} copies). DL4J has no such layer; AlexNet, VGG and
 * GoogLeNet's auxiliary heads need it at inputs other than their native size.
 */
public final class AdaptiveAvgPoolVertex extends ParameterFreeVertex {
    private final int outHeight;
    private final int outWidth;

    /**
     * @throws IllegalArgumentException if a size is below 1
     */
    public AdaptiveAvgPoolVertex(@JsonProperty("outHeight") int outHeight, @JsonProperty("outWidth") int outWidth) {
        super(1);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("adaptive pooling needs an output of at least 1x1; got "
                    + outHeight + "x" + outWidth);
        }
        this.outHeight = outHeight;
        this.outWidth = outWidth;
    }

    /** @return the output height */
    public int getOutHeight() {
        return outHeight;
    }

    /** @return the output width */
    public int getOutWidth() {
        return outWidth;
    }

    @Override
    public AdaptiveAvgPoolVertex clone() {
        return new AdaptiveAvgPoolVertex(outHeight, outWidth);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdaptiveAvgPoolVertex v && v.outHeight == outHeight && v.outWidth == outWidth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outHeight, outWidth);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        return new AdaptiveAvgPoolVertexImpl(graph, name, idx, outHeight, outWidth, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional c = image("AdaptiveAvgPoolVertex", in);
        return InputType.convolutional(outHeight, outWidth, c.getChannels(), c.getFormat());
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPoolVertex(" + outHeight + "x" + outWidth + ")";
    }

    /**
     * The pooling matrix {@code [h*w, oh*ow]} of {@code nn.AdaptiveAvgPool2d((oh, ow))} on an
     * {@code h x w} input: output cell {@code (i, j)} averages rows {@code floor(i h / oh)} to
     * {@code ceil((i + 1) h / oh)} (exclusive) and likewise columns, so that an input viewed as
     * {@code [N*C, h*w]} times it is the pooled {@code [N*C, oh*ow]}.
     */
    public static INDArray matrix(long h, long w, int oh, int ow, DataType type) {
        INDArray p = Nd4j.zeros(type, h * w, (long) oh * ow);
        for (int i = 0; i < oh; i++) {
            long r0 = Math.floorDiv(i * h, oh), r1 = -Math.floorDiv(-(i + 1) * h, oh);
            for (int j = 0; j < ow; j++) {
                long c0 = Math.floorDiv(j * w, ow), c1 = -Math.floorDiv(-(j + 1) * w, ow);
                double weight = 1.0 / ((r1 - r0) * (c1 - c0));
                for (long r = r0; r < r1; r++) {
                    for (long c = c0; c < c1; c++) {
                        p.putScalar(r * w + c, (long) i * ow + j, weight);
                    }
                }
            }
        }
        return p;
    }
}
