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
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime side of {@link AdaptiveAvgPoolVertex}. Pooling is linear, so it is one matrix product:
 * the input viewed as {@code [N*C, H*W]} times a pooling matrix {@code P [H*W, oh*ow]} whose
 * column for an output cell holds {@code 1/area} on the cell's window; the gradient is the
 * output gradient times {@code P^T}.
 */
final class AdaptiveAvgPoolVertexImpl extends ParameterFreeVertexImpl {
    private final int oh;
    private final int ow;
    private INDArray pooling; // for the input size and data type below, outside any workspace
    private long poolingHeight;
    private long poolingWidth;

    AdaptiveAvgPoolVertexImpl(ComputationGraph graph, String name, int idx, int oh, int ow, DataType dataType) {
        super(graph, name, idx, dataType);
        this.oh = oh;
        this.ow = ow;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long n = x.size(0), c = x.size(1);
        INDArray p = pooling(x.size(2), x.size(3), x.dataType());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), new long[]{n * c, (long) oh * ow}, 'c');
        flat(x, n * c).mmul(p, out);
        return out.reshape('c', n, c, oh, ow);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        long[] s = inputs[0].shape();
        INDArray p = pooling(s[2], s[3], epsilon.dataType());
        INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[]{s[0] * s[1], s[2] * s[3]}, 'c');
        flat(epsilon, s[0] * s[1]).mmul(p.transpose(), grad);
        return new Pair<>(new DefaultGradient(), new INDArray[]{grad.reshape('c', s)});
    }

    private static INDArray flat(INDArray a, long rows) {
        INDArray c = a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
        return c.reshape('c', rows, a.length() / rows);
    }

    private INDArray pooling(long h, long w, DataType type) {
        if (pooling == null || poolingHeight != h || poolingWidth != w || pooling.dataType() != type) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                pooling = AdaptiveAvgPoolVertex.matrix(h, w, oh, ow, type);
                poolingHeight = h;
                poolingWidth = w;
            }
        }
        return pooling;
    }
}
