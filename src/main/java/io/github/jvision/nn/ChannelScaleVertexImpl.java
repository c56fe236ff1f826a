package io.github.jvision.nn;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime side of {@link ChannelScaleVertex}: {@code y = x * s} broadcast over H and W;
 * gradients {@code dx = dy * s} and {@code ds[n, c] = sum over h, w of dy * x}.
 */
final class ChannelScaleVertexImpl extends ParameterFreeVertexImpl {

    ChannelScaleVertexImpl(ComputationGraph graph, String name, int idx, DataType dataType) {
        super(graph, name, idx, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        return scale(x, inputs[1], out);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray s = inputs[1];
        INDArray dx = scale(epsilon, s, workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD,
                epsilon.dataType(), x.shape(), 'c'));
        INDArray ds = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), s.shape(), 'c');
        ds.assign(epsilon.mul(x).sum(2, 3).reshape(s.shape()));
        return new Pair<>(new DefaultGradient(), new INDArray[]{dx, ds});
    }

    /** {@code out[n, c, h, w] = a[n, c, h, w] * s[n, c]}. */
    private static INDArray scale(INDArray a, INDArray s, INDArray out) {
        INDArray perChannel = s.reshape('c', s.size(0), s.size(1));
        Nd4j.getExecutioner().exec(new BroadcastMulOp(a, perChannel, out, 0, 1));
        return out;
    }
}
