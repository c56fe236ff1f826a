package io.github.jvision.nn;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime side of {@link DropPathVertex}: a per-sample mask of 0 or {@code 1 / (1 - p)}, kept for the backward pass. */
final class DropPathVertexImpl extends ParameterFreeVertexImpl {
    private final double p;
    private INDArray mask; // [N], outside any workspace; null when the last forward pass was the identity

    DropPathVertexImpl(ComputationGraph graph, String name, int idx, double p, DataType dataType) {
        super(graph, name, idx, dataType);
        this.p = p;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        if (!training || p == 0) {
            mask = null;
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, x);
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            mask = Nd4j.createUninitialized(x.dataType(), x.size(0));
            Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p));
            mask.divi(1 - p);
        }
        return times(x, workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c'));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                epsilon.shape(), 'c');
        if (mask == null) {
            grad.assign(epsilon);
        } else {
            times(epsilon, grad);
        }
        return new Pair<>(new DefaultGradient(), new INDArray[]{grad});
    }

    private INDArray times(INDArray a, INDArray out) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(a, mask, out, 0));
        return out;
    }
}
