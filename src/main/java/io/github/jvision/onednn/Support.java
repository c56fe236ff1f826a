package io.github.jvision.onednn;

import io.github.jvision.nn.AdaptiveAvgPoolVertex;
import io.github.jvision.nn.ChannelPadVertex;
import io.github.jvision.nn.ChannelScaleVertex;
import io.github.jvision.nn.DropPathVertex;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Which graphs the compiled paths run: a vertex is lowered for inference ({@link Lowering}) when
 * oneDNN has its operation in NCHW with DL4J's semantics, and for training
 * ({@link TrainingLowering}) when, in addition, its backward pass is lowered. Checked before
 * anything is compiled, so that an unsupported graph fails at once with the vertex's name.
 */
final class Support {
    private Support() {
    }

    /**
     * Checks that compiled inference runs every vertex of {@code graph}.
     *
     * @throws UnsupportedLayerException naming the first vertex it does not run, and why
     */
    static void checkInference(ComputationGraph graph) {
        GraphLowering.checkGraph(graph);
        graph.getConfiguration().getVertices().forEach((name, v) -> {
            String why = unsupported(v);
            if (why != null) {
                throw new UnsupportedLayerException(name + ": " + why);
            }
        });
    }

    /** Why compiled inference does not run {@code v}, or {@code null}. */
    private static String unsupported(GraphVertex v) {
        if (v instanceof DropPathVertex || v instanceof ChannelScaleVertex || v instanceof ChannelPadVertex
                || v instanceof AdaptiveAvgPoolVertex || v instanceof MergeVertex) {
            return null;
        }
        if (v instanceof ElementWiseVertex e) {
            return e.getOp() == ElementWiseVertex.Op.Add || e.getOp() == ElementWiseVertex.Op.Product ? null
                    : "element-wise " + e.getOp();
        }
        if (!(v instanceof LayerVertex lv)) {
            return v.getClass().getSimpleName();
        }
        Layer l = lv.getLayerConf().getLayer();
        if (lv.getPreProcessor() != null && !(lv.getPreProcessor() instanceof CnnToFeedForwardPreProcessor
                && (l instanceof DenseLayer || l instanceof OutputLayer))) {
            return "preprocessor " + lv.getPreProcessor().getClass().getSimpleName() + " before " + l.getClass().getSimpleName();
        }
        if (l instanceof ConvolutionLayer c && c.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || l instanceof SubsamplingLayer p && p.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || l instanceof BatchNormalization b && b.getCnn2DFormat() != CNN2DFormat.NCHW) {
            return "a layer in NHWC format";
        }
        if (l instanceof ConvolutionLayer c) {
            boolean plain = c.getClass() == ConvolutionLayer.class
                    || c instanceof DepthwiseConvolution2D d && d.getDepthMultiplier() == 1;
            boolean truncate = c.getConvolutionMode() == ConvolutionMode.Truncate
                    || c.getConvolutionMode() == ConvolutionMode.Strict;
            boolean undilated = c.getDilation()[0] == 1 && c.getDilation()[1] == 1;
            return !plain || !truncate || !undilated ? c.getClass().getSimpleName() + " " + c.getConvolutionMode()
                    + " dilation " + c.getDilation()[0] : activationProblem(c.getActivationFn());
        }
        if (l instanceof SubsamplingLayer p) {
            boolean ok = (p.getPoolingType() == PoolingType.MAX || p.getPoolingType() == PoolingType.AVG)
                    && p.getConvolutionMode() == ConvolutionMode.Truncate && p.getDilation()[0] == 1 && p.getDilation()[1] == 1;
            return ok ? null : "pooling " + p.getPoolingType() + " " + p.getConvolutionMode();
        }
        if (l instanceof GlobalPoolingLayer p) {
            return p.getPoolingType() == PoolingType.MAX || p.getPoolingType() == PoolingType.AVG ? null
                    : "global pooling " + p.getPoolingType();
        }
        if (l instanceof OutputLayer o) {
            return o.getActivationFn() instanceof ActivationSoftmax || activationProblem(o.getActivationFn()) == null ? null
                    : "output activation " + o.getActivationFn();
        }
        if (l instanceof DenseLayer d) {
            return activationProblem(d.getActivationFn());
        }
        if (l instanceof ActivationLayer a) {
            return activationProblem(a.getActivationFn());
        }
        return l instanceof BatchNormalization || l instanceof DropoutLayer || l instanceof ZeroPaddingLayer ? null
                : l.getClass().getSimpleName();
    }

    private static String activationProblem(IActivation a) {
        return a == null || a instanceof ActivationIdentity || GraphLowering.eltwise(a) != null ? null : "activation " + a;
    }

    /**
     * Checks that a compiled training step runs every vertex of {@code graph}: what inference runs,
     * less what has no training lowering.
     *
     * @throws UnsupportedLayerException naming the first vertex it does not run, and why
     */
    static void checkTraining(ComputationGraph graph) {
        GraphLowering.checkGraph(graph);
        graph.getConfiguration().getVertices().forEach((name, v) -> {
            String why = unsupported(v);
            if (why == null) {
                why = untrainable(v);
            }
            if (why != null) {
                throw new UnsupportedLayerException(name + " in training: " + why);
            }
        });
    }

    /** What the inference lowering runs but a training step does not, or {@code null}. */
    private static String untrainable(GraphVertex v) {
        if (v instanceof ElementWiseVertex e && e.getOp() != ElementWiseVertex.Op.Add) {
            return "element-wise " + e.getOp();
        }
        if (v instanceof AdaptiveAvgPoolVertex) {
            return "adaptive average pooling";
        }
        if (!(v instanceof LayerVertex lv)) {
            return null;
        }
        Layer l = lv.getLayerConf().getLayer();
        if (l instanceof DropoutLayer d) {
            return d.getIDropout() == null || d.getIDropout() instanceof Dropout dr && dr.getPSchedule() == null ? null
                    : "dropout " + d.getIDropout();
        }
        if (l instanceof BaseLayer b && b.getIDropout() != null) {
            return "dropout inside " + l.getClass().getSimpleName();
        }
        if (l instanceof OutputLayer o) {
            return o.getLossFn() instanceof LossMCXENT && o.getActivationFn() instanceof ActivationSoftmax && o.hasBias() ? null
                    : "loss " + o.getLossFn() + " with " + o.getActivationFn() + (o.hasBias() ? "" : ", no bias");
        }
        if (l instanceof DenseLayer d && !d.hasBias()) {
            return "a dense layer without bias";
        }
        if (l instanceof BatchNormalization b) {
            return b.isLockGammaBeta() || b.isUseLogStd() ? "batch norm with locked gamma/beta or log std" : null;
        }
        return null;
    }
}
