package io.github.jvision.nn;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Runtime side of {@link ChannelPadVertex}: forward copies into a zeroed output, backward slices. */
final class ChannelPadVertexImpl extends ParameterFreeVertexImpl {
    private final int stride;
    private final int pad;

    ChannelPadVertexImpl(ComputationGraph graph, String name, int idx, int stride, int pad, DataType dataType) {
        super(graph, name, idx, dataType);
        this.stride = stride;
        this.pad = pad;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long[] s = x.shape();
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, x.dataType(),
                s[0], s[1] + pad, ChannelPadVertex.ceilDiv(s[2], stride), ChannelPadVertex.ceilDiv(s[3], stride));
        out.get(channels(s[1])).assign(x.get(subsample(s)));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        long[] s = inputs[0].shape();
        INDArray grad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), s);
        grad.get(subsample(s)).assign(epsilon.get(channels(s[1])));
        return new Pair<>(new DefaultGradient(), new INDArray[]{grad});
    }

    private INDArrayIndex[] channels(long inChannels) {
        long before = pad / 2;
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.interval(before, before + inChannels),
                NDArrayIndex.all(), NDArrayIndex.all()};
    }

    private INDArrayIndex[] subsample(long[] s) {
        return new INDArrayIndex[]{NDArrayIndex.all(), NDArrayIndex.all(), every(s[2]), every(s[3])};
    }

    /** Every stride-th index of an axis of length n (ND4J rejects a strided interval on a length-1 axis). */
    private INDArrayIndex every(long n) {
        return n == 1 || stride == 1 ? NDArrayIndex.all() : NDArrayIndex.interval(0, stride, n);
    }

    @Override
    public String toString() {
        return "ChannelPadVertex(" + vertexName + ", stride=" + stride + ", pad=" + pad + ")";
    }
}
