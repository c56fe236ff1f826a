package io.github.jvision.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A trained network rewritten for inference: each batch normalisation that follows a convolution
 * is folded into the convolution's weights and bias, and the BN layer disappears. With
 * {@code s = gamma / sqrt(running_var + eps)} per output channel, the folded convolution has
 * weights {@code W * s} and bias {@code (b - running_mean) * s + beta}, which is BN in inference
 * mode applied to the convolution's output (the fusion PyTorch's {@code fuse_conv_bn_eval} does).
 * Dropout and drop path are already identities in inference.
 */
public final class Inference {
    private Inference() {
    }

    /** A convolution and the batch normalisation folded into it. */
    private record Fold(String conv, String bn) {
    }

    /**
     * @param trained a network, left unchanged
     * @return a new network computing the same inference-mode function as {@code trained} (within
     *         float32 rounding) with fewer layers; for inference only (its BN layers are gone, so it
     *         cannot train as the original does)
     */
    public static ComputationGraph fuseBatchNorm(ComputationGraph trained) {
        ComputationGraphConfiguration conf = trained.getConfiguration().clone();
        List<Fold> folds = foldable(conf);
        for (Fold f : folds) {
            conf.getVertices().remove(f.bn());
            conf.getVertexInputs().remove(f.bn());
            conf.getVertexInputs().replaceAll((v, inputs) -> inputs.stream().map(i -> i.equals(f.bn()) ? f.conv() : i).toList());
            conf.getNetworkOutputs().replaceAll(o -> o.equals(f.bn()) ? f.conv() : o);
            ((ConvolutionLayer) layerOf(conf.getVertices().get(f.conv()))).setHasBias(true);
        }
        ComputationGraph fused = new ComputationGraph(conf);
        fused.init();
        Map<String, String> bnOf = new HashMap<>();
        folds.forEach(f -> bnOf.put(f.conv(), f.bn()));
        for (Layer l : fused.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            Layer from = trained.getLayer(name);
            if (bnOf.containsKey(name)) {
                fold(from, trained.getLayer(bnOf.get(name)), l);
            } else {
                from.paramTable().forEach((p, v) -> l.setParam(p, v.dup()));
            }
        }
        return fused;
    }

    /** Convolutions without activation whose only consumer is a BN layer. */
    private static List<Fold> foldable(ComputationGraphConfiguration conf) {
        Map<String, Integer> consumers = new HashMap<>();
        conf.getVertexInputs().values().forEach(ins -> ins.forEach(i -> consumers.merge(i, 1, Integer::sum)));
        List<Fold> folds = new ArrayList<>();
        for (var e : conf.getVertices().entrySet()) {
            // DL4J's BN layer applies no activation function, whatever its configuration says
            if (!(layerOf(e.getValue()) instanceof BatchNormalization)) {
                continue;
            }
            List<String> in = conf.getVertexInputs().get(e.getKey());
            String conv = in.size() == 1 ? in.get(0) : null;
            if (conv != null && layerOf(conf.getVertices().get(conv)) instanceof ConvolutionLayer c && foldable(c)
                    && identity(c.getActivationFn()) && consumers.get(conv) == 1
                    && !conf.getNetworkOutputs().contains(conv)) {
                folds.add(new Fold(conv, e.getKey()));
            }
        }
        return folds;
    }

    /**
     * Plain 2-D convolutions, and depthwise ones with one filter per channel: their weights' output
     * axis is known. Other subclasses (transposed, separable, 1-D, 3-D convolutions) are left alone.
     */
    private static boolean foldable(ConvolutionLayer c) {
        return c.getClass() == ConvolutionLayer.class
                || c instanceof DepthwiseConvolution2D d && d.getDepthMultiplier() == 1;
    }

    /** Writes {@code conv} followed by {@code bn} (inference mode) into the bias-carrying {@code into}, in double precision. */
    private static void fold(Layer conv, Layer bn, Layer into) {
        BatchNormalization bc = (BatchNormalization) bn.conf().getLayer();
        INDArray var = bc.isUseLogStd()
                ? Transforms.exp(vector(bn, "log10stdev").muli(2 * Math.log(10)), false) // std^2 = 10^(2 log10 std)
                : vector(bn, "var");
        INDArray scale = vector(bn, "gamma").divi(Transforms.sqrt(var.addi(bc.getEps()), false));
        long c = scale.length();
        INDArray w = conv.getParam("W").castTo(DataType.DOUBLE);
        // W is [out, in, kh, kw], or [kh, kw, C, 1] for a depthwise convolution: scale along out / C
        INDArray scaled = conv.conf().getLayer() instanceof DepthwiseConvolution2D
                ? w.mul(scale.reshape(1, 1, c, 1)) : w.mul(scale.reshape(c, 1, 1, 1));
        INDArray b = conv.paramTable().containsKey("b") ? vector(conv, "b") : Nd4j.zeros(DataType.DOUBLE, 1, c);
        INDArray bias = b.subi(vector(bn, "mean")).muli(scale).addi(vector(bn, "beta"));
        into.setParam("W", scaled.castTo(into.getParam("W").dataType()));
        into.setParam("b", bias.castTo(into.getParam("b").dataType()).reshape(into.getParam("b").shape()));
    }

    /** A per-channel parameter as a double {@code [1, C]} copy. */
    private static INDArray vector(Layer l, String name) {
        INDArray p = l.getParam(name);
        return p.castTo(DataType.DOUBLE).reshape(1, p.length()).dup();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(GraphVertex v) {
        return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    private static boolean identity(IActivation a) {
        return a == null || a instanceof ActivationIdentity;
    }
}
