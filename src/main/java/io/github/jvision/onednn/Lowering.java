package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import io.github.jvision.nn.AdaptiveAvgPoolVertex;
import io.github.jvision.nn.ChannelPadVertex;
import io.github.jvision.nn.ChannelScaleVertex;
import io.github.jvision.nn.DropPathVertex;
import io.github.jvision.onednn.Dnnl.Eltwise;
import io.github.jvision.onednn.Plan.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_v2_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_softmax_desc_t;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns an inference graph (batch norm already folded) into a {@link Plan} for one input shape.
 * Tensors stay in the layouts oneDNN's convolutions choose (blocked channels, e.g. {@code nChw8c})
 * from the first convolution to the classifier; a convolution absorbs the activation after it,
 * and a residual sum followed by its activation ({@code conv -> add -> relu} becomes one
 * convolution with sum and ReLU post-ops, writing in place into the shortcut's buffer when nothing
 * else reads it). Convolutions over narrow images (ResNet's last stages) on oneDNN's AVX2 direct
 * kernel run on the batch's images placed {@link SideBySide} in one wide image.
 */
final class Lowering extends GraphLowering {
    /** For outputs ending in softmax: the values before it. */
    private final Map<String, Value> logits = new HashMap<>();

    private final SideBySide.Use sideBySide;

    private Lowering(ComputationGraph graph, SideBySide.Use sideBySide) {
        super(graph);
        this.sideBySide = sideBySide;
    }

    /** The plan computing {@code graph}'s outputs for inputs of {@code shape} ({@code [N, C, H, W]}). */
    static Plan lower(ComputationGraph graph, long[] shape) {
        return lower(graph, shape, SideBySide.Use.WHERE_IT_PAYS);
    }

    /** As {@link #lower(ComputationGraph, long[])}, with {@code sideBySide} choosing the convolutions that run side by side. */
    static Plan lower(ComputationGraph graph, long[] shape, SideBySide.Use sideBySide) {
        Lowering l = new Lowering(graph, sideBySide);
        try {
            return l.build(shape);
        } catch (RuntimeException e) {
            l.plan.close();
            throw e;
        }
    }

    private Plan build(long[] shape) {
        lowerAll(shape);
        List<Value> outputs = new ArrayList<>();
        for (Map<String, Value> m : List.of(out, logits)) { // probabilities, then logits
            for (String o : conf.getNetworkOutputs()) {
                Value v = m.getOrDefault(o, out.get(o));
                outputs.add(reordered(v, Dnnl.plain(v.dims)));
            }
        }
        plan.outputs(outputs);
        plan.allocate();
        return plan;
    }

    @Override
    void lowerVertex(String name, GraphVertex v) {
        List<Value> in = conf.getVertexInputs().get(name).stream().map(out::get).toList();
        Value x = in.get(0);
        if (v instanceof DropPathVertex) {
            out.put(name, x); // identity at inference
        } else if (v instanceof ChannelScaleVertex) {
            Value s = in.get(1);
            Value s4 = s.dims.length == 4 ? s : plan.view(Dnnl.plain(x.dims[0], x.dims[1], 1, 1),
                    new long[]{x.dims[0], x.dims[1], 1, 1}, reordered(s, Dnnl.plain(s.dims)).storage);
            out.put(name, channelScale(name, x, s4));
        } else if (v instanceof ElementWiseVertex && in.size() == 1) {
            out.put(name, x); // a sum or product of one tensor
        } else if (v instanceof ElementWiseVertex e) {
            int alg = e.getOp() == ElementWiseVertex.Op.Add ? dnnl_binary_add : dnnl_binary_mul;
            Value acc = x;
            for (int i = 1; i < in.size(); i++) {
                acc = binary(name, alg, acc, reordered(in.get(i), acc.desc));
            }
            out.put(name, acc);
        } else if (v instanceof MergeVertex) {
            out.put(name, concat(name, in));
        } else if (v instanceof ChannelPadVertex p) {
            out.put(name, channelPad(x, p.getStride(), p.getPad()));
        } else if (v instanceof AdaptiveAvgPoolVertex a) {
            out.put(name, adaptiveAvgPool(name, x, a.getOutHeight(), a.getOutWidth()));
        } else {
            lowerLayer(name, ((LayerVertex) v).getLayerConf().getLayer(), x);
        }
    }

    private void lowerLayer(String name, Layer l, Value x) {
        if (l instanceof ConvolutionLayer c) {
            conv(name, c, x);
        } else if (l instanceof SubsamplingLayer p) {
            int[] k = p.getKernelSize();
            int alg = p.getPoolingType() == PoolingType.MAX ? dnnl_pooling_max
                    : p.isAvgPoolIncludePadInDivisor() ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding;
            out.put(name, pool(name, x, alg, k, p.getStride(), p.getPadding()));
        } else if (l instanceof GlobalPoolingLayer p) {
            int alg = p.getPoolingType() == PoolingType.MAX ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
            Value y = pool(name, x, alg, new int[]{(int) x.dims[2], (int) x.dims[3]}, new int[]{1, 1}, new int[]{0, 0});
            out.put(name, p.isCollapseDimensions() ? flatten(y) : y);
        } else if (l instanceof DenseLayer || l instanceof OutputLayer) {
            dense(name, (BaseLayer) l, x);
        } else if (l instanceof ActivationLayer a) {
            out.put(name, eltwise(name, eltwise(a.getActivationFn()), x));
        } else if (l instanceof BatchNormalization b) {
            out.put(name, batchNorm(name, b, x));
        } else if (l instanceof DropoutLayer) {
            out.put(name, x); // identity at inference
        } else if (l instanceof ZeroPaddingLayer z) {
            int[] p = z.getPadding(); // top, bottom, left, right
            long[] d = x.dims;
            out.put(name, embed(x, new long[]{d[0], d[1], d[2] + p[0] + p[1], d[3] + p[2] + p[3]}, new long[]{0, 0, p[0], p[2]}));
        } else {
            throw new UnsupportedLayerException(name + ": " + l.getClass().getSimpleName());
        }
    }

    /**
     * A convolution with its following activation, or its following residual sum (and that sum's
     * activation), as post-ops; every absorbed vertex then names the convolution's output.
     */
    private void conv(String name, ConvolutionLayer c, Value x) {
        ConvShape shape = convShape(name, c, x, graph.getLayer(name).getParam("W"));
        Fusion f = fusion(name, eltwise(c.getActivationFn()));
        dnnl_memory_desc_t bias = c.hasBias() ? Dnnl.plain(shape.outChannels()) : null;
        dnnl_primitive_attr attr = Dnnl.postOps(f.shortcut() != null, f.act());
        dnnl_primitive_desc pd = convPd(name, shape.x(), shape.y(), shape, bias, attr);
        SideBySide wide = SideBySide.of(shape);
        if (wide != null && !sideBySide.wanted(Dnnl.implementation(pd))) {
            wide = null;
        }
        dnnl_primitive_desc widePd = wide == null ? null : widePd(name, wide, shape, bias, attr);
        dnnl_primitive_attr_destroy(attr);
        Value y = widePd == null ? batchConv(name, pd, shape, bias, f, x) : sideBySideConv(name, widePd, wide,
                Dnnl.query(pd, dnnl_query_dst_md, 0), shape, bias, f, x);
        dnnl_primitive_desc_destroy(pd);
        if (widePd != null) {
            dnnl_primitive_desc_destroy(widePd);
        }
        f.absorbed().forEach(n -> {
            out.put(n, y);
            lowered.add(n);
        });
    }

    /** The convolution on {@code wide}'s wide image, or {@code null} (the batch as it is then) when oneDNN has none or chose layouts images cannot be seen in. */
    private static dnnl_primitive_desc widePd(String name, SideBySide wide, ConvShape shape, dnnl_memory_desc_t bias,
            dnnl_primitive_attr attr) {
        dnnl_primitive_desc pd;
        try {
            pd = convPd(name, wide.wideInput(shape.x()), wide.wideOutput(shape), shape, bias, attr);
        } catch (UnsupportedLayerException e) {
            return null;
        }
        if (SideBySide.viewable(Dnnl.query(pd, dnnl_query_src_md, 0)) && SideBySide.viewable(Dnnl.query(pd, dnnl_query_dst_md, 0))) {
            return pd;
        }
        dnnl_primitive_desc_destroy(pd);
        return null;
    }

    /** The convolution on the batch as it is, accumulating a fused residual sum in place into the shortcut when nothing else reads it. */
    private Value batchConv(String name, dnnl_primitive_desc pd, ConvShape shape, dnnl_memory_desc_t bias, Fusion f, Value x) {
        Value src = reordered(x, Dnnl.query(pd, dnnl_query_src_md, 0));
        dnnl_memory_desc_t dstDesc = Dnnl.query(pd, dnnl_query_dst_md, 0);
        Value dst;
        if (f.shortcut() == null) {
            dst = plan.value(dstDesc, shape.y());
        } else if (Dnnl.equal(f.shortcut().desc, dstDesc) && soleReader(f.shortcut(), f.absorbed().get(1)) && f.shortcut() != x) {
            dst = plan.view(dstDesc, shape.y(), f.shortcut().storage); // accumulate into the shortcut's buffer
        } else {
            dst = plan.value(dstDesc, shape.y());
            plan.reorderStep(f.shortcut(), dst);
        }
        convStep(name, pd, shape, bias, src, dst);
        return dst;
    }

    /**
     * The convolution on the batch's images placed {@link SideBySide} in one wide image: the images
     * are copied into a zeroed wide input, the fused residual sum's shortcut (if any) into the
     * wide output, and the output images out into {@code dstDesc}, the layout the convolution
     * chose for the batch: two or three copies in place of the in-place accumulation.
     */
    private Value sideBySideConv(String name, dnnl_primitive_desc pd, SideBySide wide, dnnl_memory_desc_t dstDesc,
            ConvShape shape, dnnl_memory_desc_t bias, Fusion f, Value x) {
        Value src = sharedZeroed(wide, Dnnl.query(pd, dnnl_query_src_md, 0), wide.wideInput(shape.x())); // only image columns are written
        plan.reorderStep(x, plan.view(wide.inputs(src.desc, shape.x()), shape.x(), src.storage));
        Value dst = plan.value(Dnnl.query(pd, dnnl_query_dst_md, 0), wide.wideOutput(shape));
        Value images = plan.view(wide.outputs(dst.desc, shape.y()), shape.y(), dst.storage);
        if (f.shortcut() != null) {
            plan.reorderStep(f.shortcut(), images);
        }
        convStep(name, pd, shape, bias, src, dst);
        Value y = plan.value(dstDesc, shape.y());
        plan.reorderStep(images, y);
        return y;
    }

    /** An inference convolution of {@code shape}'s weights, stride and padding from {@code x} to {@code y}, layouts left to oneDNN. */
    private static dnnl_primitive_desc convPd(String name, long[] x, long[] y, ConvShape shape, dnnl_memory_desc_t bias,
            dnnl_primitive_attr attr) {
        dnnl_convolution_desc_t cd = new dnnl_convolution_desc_t();
        Dnnl.check(dnnl_convolution_forward_desc_init(cd, dnnl_forward_inference, dnnl_convolution_direct,
                Dnnl.desc(x, dnnl_format_tag_any), Dnnl.desc(shape.w(), dnnl_format_tag_any), bias,
                Dnnl.desc(y, dnnl_format_tag_any), shape.stride(), shape.pad(), shape.pad()), "convolution " + name);
        return Dnnl.pd(cd, attr, "convolution " + name);
    }

    /** Appends the convolution {@code pd} with {@code name}'s weights (and bias) in the layouts it chose. */
    private void convStep(String name, dnnl_primitive_desc pd, ConvShape shape, dnnl_memory_desc_t bias, Value src, Value dst) {
        INDArray w = graph.getLayer(name).getParam("W");
        Value weights = plan.constant(w, convWeights(shape, w), Dnnl.query(pd, dnnl_query_weights_md, 0));
        if (bias == null) {
            plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, src, weights, dst);
        } else {
            Value b = plan.constant(graph.getLayer(name).getParam("b"), bias, bias);
            plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                    src, weights, b, dst);
        }
    }

    /**
     * What convolution {@code name} absorbs: the vertices that then name its output (itself first,
     * then a residual sum, then an activation), the activation as a post-op, and the sum's other
     * input (already computed) to accumulate into.
     */
    private record Fusion(List<String> absorbed, Eltwise act, Value shortcut) {
    }

    private Fusion fusion(String name, Eltwise own) {
        List<String> absorbed = new ArrayList<>(List.of(name));
        Value shortcut = null;
        String sum = own == null ? soleConsumer(name) : null;
        if (sum != null && conf.getVertices().get(sum) instanceof ElementWiseVertex e && e.getOp() == ElementWiseVertex.Op.Add) {
            List<String> ins = conf.getVertexInputs().get(sum);
            Value other = ins.size() == 2 && !ins.get(0).equals(ins.get(1)) ? out.get(ins.get(0).equals(name) ? ins.get(1) : ins.get(0)) : null;
            if (other != null) {
                shortcut = other;
                absorbed.add(sum);
            }
        }
        Eltwise act = own;
        String a = own == null ? soleConsumer(absorbed.get(absorbed.size() - 1)) : null;
        if (a != null && layerOf(a) instanceof ActivationLayer al && eltwise(al.getActivationFn()) != null) {
            act = eltwise(al.getActivationFn());
            absorbed.add(a);
        }
        return new Fusion(absorbed, act, shortcut);
    }

    /** Pooling of {@code x} keeping its layout. */
    private Value pool(String name, Value x, int alg, int[] k, int[] s, int[] p) {
        long[] yd = {x.dims[0], x.dims[1], outSize(name, x.dims[2], k[0], s[0], p[0]), outSize(name, x.dims[3], k[1], s[1], p[1])};
        dnnl_pooling_v2_desc_t d = new dnnl_pooling_v2_desc_t();
        Dnnl.check(dnnl_pooling_v2_forward_desc_init(d, dnnl_forward_inference, alg, x.desc, Dnnl.desc(yd, dnnl_format_tag_any),
                new long[]{s[0], s[1]}, new long[]{k[0], k[1]}, new long[]{0, 0}, new long[]{p[0], p[1]},
                new long[]{p[0], p[1]}), "pooling " + name);
        dnnl_primitive_desc pd = Dnnl.pd(d, null, "pooling " + name);
        Value y = plan.value(Dnnl.query(pd, dnnl_query_dst_md, 0), yd);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, y);
        dnnl_primitive_desc_destroy(pd);
        return y;
    }

    /**
     * {@code nn.AdaptiveAvgPool2d((oh, ow))}: plain pooling when the output divides the input
     * (equal windows), else the input as {@code [N*C, H*W]} times the pooling matrix
     * ({@link AdaptiveAvgPoolVertex#matrix}).
     */
    private Value adaptiveAvgPool(String name, Value x, int oh, int ow) {
        long[] d = x.dims;
        if (d[2] % oh == 0 && d[3] % ow == 0) {
            int[] k = {(int) (d[2] / oh), (int) (d[3] / ow)};
            return pool(name, x, dnnl_pooling_avg_exclude_padding, k, k, new int[]{0, 0});
        }
        long rows = d[0] * d[1];
        long[] pd = {d[2] * d[3], (long) oh * ow};
        dnnl_memory_desc_t srcDesc = Dnnl.plain(rows, pd[0]);
        dnnl_memory_desc_t pDesc = Dnnl.plain(pd);
        dnnl_memory_desc_t dstDesc = Dnnl.plain(rows, pd[1]);
        dnnl_matmul_desc_t md = new dnnl_matmul_desc_t();
        Dnnl.check(dnnl_matmul_desc_init(md, srcDesc, pDesc, null, dstDesc), "matmul " + name);
        dnnl_primitive_desc mpd = Dnnl.pd(md, null, "matmul " + name);
        Value flat = plan.view(srcDesc, new long[]{rows, pd[0]}, reordered(x, Dnnl.plain(d)).storage);
        long[] yd = {d[0], d[1], oh, ow};
        Value y = plan.value(Dnnl.plain(yd), yd);
        plan.step(Dnnl.primitive(mpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, flat,
                plan.constant(AdaptiveAvgPoolVertex.matrix(d[2], d[3], oh, ow, DataType.FLOAT), pDesc, pDesc),
                plan.view(dstDesc, new long[]{rows, pd[1]}, y.storage));
        dnnl_primitive_desc_destroy(mpd);
        return y;
    }

    /** {@code [N, C, 1, 1] -> [N, C]}, in plain layout. */
    private Value flatten(Value y) {
        Value plain = reordered(y, Dnnl.plain(y.dims));
        return plan.view(Dnnl.plain(y.dims[0], y.dims[1]), new long[]{y.dims[0], y.dims[1]}, plain.storage);
    }

    /** A fully connected layer (inner product) with its activation; softmax as a following step. */
    private void dense(String name, BaseLayer l, Value x) {
        INDArray w = graph.getLayer(name).getParam("W"); // [in, out]
        long[] wd = denseShape(name, x, w);
        long o = wd[0];
        long[] xd = x.dims;
        long[] yd = {xd[0], o};
        boolean softmax = l.getActivationFn() instanceof ActivationSoftmax;
        Eltwise act = softmax ? null : eltwise(l.getActivationFn());
        dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
        dnnl_memory_desc_t bias = Dnnl.plain(o);
        Dnnl.check(dnnl_inner_product_forward_desc_init(d, dnnl_forward_inference, Dnnl.desc(xd, dnnl_format_tag_any),
                Dnnl.desc(wd, dnnl_format_tag_any), bias, Dnnl.plain(yd)), "inner product " + name);
        dnnl_primitive_attr attr = Dnnl.postOps(false, act);
        dnnl_primitive_desc pd = Dnnl.pd(d, attr, "inner product " + name);
        dnnl_primitive_attr_destroy(attr);
        Value src = reordered(x, Dnnl.query(pd, dnnl_query_src_md, 0));
        Value weights = plan.constant(w, denseWeights(wd, w), Dnnl.query(pd, dnnl_query_weights_md, 0));
        INDArray b = graph.getLayer(name).paramTable().containsKey("b") ? graph.getLayer(name).getParam("b")
                : Nd4j.zeros(DataType.FLOAT, o);
        Value y = plan.value(Dnnl.plain(yd), yd);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                src, weights, plan.constant(b, bias, bias), y);
        dnnl_primitive_desc_destroy(pd);
        if (softmax) {
            dnnl_softmax_desc_t sd = new dnnl_softmax_desc_t();
            Dnnl.check(dnnl_softmax_forward_desc_init(sd, dnnl_forward_inference, y.desc, 1), "softmax " + name);
            dnnl_primitive_desc spd = Dnnl.pd(sd, null, "softmax " + name);
            Value p = plan.value(y.desc, yd);
            plan.step(Dnnl.primitive(spd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, y, p);
            dnnl_primitive_desc_destroy(spd);
            logits.put(name, y);
            out.put(name, p);
        } else {
            out.put(name, y);
        }
    }

    /** An activation, in place when nothing else reads {@code x}. */
    private Value eltwise(String name, Eltwise e, Value x) {
        if (e == null) {
            return x; // identity
        }
        dnnl_eltwise_desc_t d = new dnnl_eltwise_desc_t();
        Dnnl.check(dnnl_eltwise_forward_desc_init(d, dnnl_forward_inference, e.algorithm(), x.desc, e.alpha(), 0f),
                "eltwise " + name);
        dnnl_primitive_desc pd = Dnnl.pd(d, null, "eltwise " + name);
        Value y = soleReader(x, name) ? plan.view(x.desc, x.dims, x.storage) : plan.value(x.desc, x.dims);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, y);
        dnnl_primitive_desc_destroy(pd);
        return y;
    }

    /** Batch norm in inference mode with the running statistics (one not folded into a convolution). */
    private Value batchNorm(String name, BatchNormalization b, Value x) {
        var layer = graph.getLayer(name);
        long c = x.dims[1];
        dnnl_batch_normalization_desc_t d = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(d, dnnl_forward_inference, x.desc, (float) b.getEps(),
                dnnl_use_global_stats | dnnl_use_scaleshift), "batch norm " + name);
        dnnl_primitive_desc pd = Dnnl.pd(d, null, "batch norm " + name);
        dnnl_memory_desc_t vec = Dnnl.plain(c);
        dnnl_memory_desc_t ss = Dnnl.plain(2, c);
        INDArray scaleShift = Nd4j.vstack(layer.getParam("gamma").reshape(1, c), layer.getParam("beta").reshape(1, c));
        Value y = soleReader(x, name) ? plan.view(x.desc, x.dims, x.storage) : plan.value(x.desc, x.dims);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DST},
                x, plan.constant(layer.getParam("mean"), vec, vec), plan.constant(layer.getParam("var"), vec, vec),
                plan.constant(scaleShift, ss, ss), y);
        dnnl_primitive_desc_destroy(pd);
        return y;
    }

    /** {@code a op b}, {@code b} broadcast where its dims are 1; in place into {@code a} when nothing else reads it. */
    private Value binary(String name, int alg, Value a, Value b) {
        Value y = soleReader(a, name) && !a.equals(b) ? plan.view(a.desc, a.dims, a.storage) : plan.value(a.desc, a.dims);
        binaryStep(name, alg, a, b, y);
        return y;
    }

    /**
     * Squeeze-and-excitation's scale {@code x * s}, {@code s} of dims {@code [N, C, 1, 1]}. In the channels-last layout
     * ({@code acdb}) oneDNN's AVX-512 convolutions choose, oneDNN 2.5 runs this 4D broadcast on its reference kernel
     * (105 ms of an EfficientNet-B0 batch of 16, for 32 channels at 112x112), but the same product of
     * {@code [N, H*W, C]} by {@code [N, 1, C]} on its JIT kernel; so it is written so over the same memory.
     */
    private Value channelScale(String name, Value x, Value s) {
        long[] d = x.dims;
        if (d.length != 4 || !Dnnl.equal(x.desc, Dnnl.desc(d, dnnl_acdb))) {
            return binary(name, dnnl_binary_mul, x, s);
        }
        Value sPlain = reordered(s, Dnnl.plain(s.dims));
        Value y = soleReader(x, name) ? plan.view(x.desc, d, x.storage) : plan.value(x.desc, d);
        long[] rows = {d[0], d[2] * d[3], d[1]};
        long[] scale = {d[0], 1, d[1]};
        binaryStep(name, dnnl_binary_mul, plan.view(Dnnl.plain(rows), rows, x.storage),
                plan.view(Dnnl.plain(scale), scale, sPlain.storage), plan.view(Dnnl.plain(rows), rows, y.storage));
        return y;
    }

    /** The CIFAR ResNets' option-A shortcut: {@code x[:, :, ::s, ::s]} with {@code pad} zero channels split around it. */
    private Value channelPad(Value x, int stride, int pad) {
        long[] d = x.dims;
        Value sub = x;
        if (stride > 1) {
            long[] k = {1, 1};
            long[] sd = {d[0], d[1], (d[2] - 1) / stride + 1, (d[3] - 1) / stride + 1};
            dnnl_pooling_v2_desc_t pd0 = new dnnl_pooling_v2_desc_t();
            Dnnl.check(dnnl_pooling_v2_forward_desc_init(pd0, dnnl_forward_inference, dnnl_pooling_max, x.desc,
                    Dnnl.desc(sd, dnnl_format_tag_any), new long[]{stride, stride}, k, new long[]{0, 0},
                    new long[]{0, 0}, new long[]{0, 0}), "channel pad subsampling");
            dnnl_primitive_desc pd = Dnnl.pd(pd0, null, "channel pad subsampling");
            sub = plan.value(Dnnl.query(pd, dnnl_query_dst_md, 0), sd);
            plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, sub);
            dnnl_primitive_desc_destroy(pd);
        }
        long[] sd = sub.dims;
        return embed(sub, new long[]{sd[0], sd[1] + pad, sd[2], sd[3]}, new long[]{0, pad / 2, 0, 0});
    }

    /** Whether {@code reader} is the last vertex to read {@code v}, so that it may overwrite it. */
    private boolean soleReader(Value v, String reader) {
        if (!Plan.overwritable(v)) {
            return false;
        }
        int reads = 0;
        for (var e : out.entrySet()) {
            if (e.getValue() != v) {
                continue;
            }
            if (conf.getNetworkOutputs().contains(e.getKey()) || conf.getNetworkInputs().contains(e.getKey())) {
                return false;
            }
            for (String c : consumers.getOrDefault(e.getKey(), List.of())) {
                if (!lowered.contains(c)) {
                    reads += c.equals(reader) ? 1 : 2;
                }
            }
        }
        return reads == 1;
    }
}
