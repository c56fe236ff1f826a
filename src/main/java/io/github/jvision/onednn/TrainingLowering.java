package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import io.github.jvision.nn.ChannelPadVertex;
import io.github.jvision.nn.ChannelScaleVertex;
import io.github.jvision.nn.DropPathVertex;
import io.github.jvision.onednn.Dnnl.Eltwise;
import io.github.jvision.onednn.Plan.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_blocking_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_v2_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_softmax_desc_t;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
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
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a graph into one {@link Plan} for a training step on inputs of one shape: the forward pass
 * in training mode (batch statistics, dropout and drop-path masks), then, after the caller has
 * computed the loss gradient, the backward pass, which writes every parameter's gradient into the
 * graph's own gradient views. Tensors stay in oneDNN's blocked layouts; batch norm followed by a
 * ReLU is one primitive both ways ({@code dnnl_fuse_norm_relu}).
 *
 * <p>A value's gradient has the value's layout. Contributions from several consumers are summed in
 * place; a gradient passed through unchanged (a residual sum) is shared with the first input and
 * copied for the others.
 */
final class TrainingLowering extends GraphLowering {
    /**
     * A batch-norm layer's batch statistics ({@code [C]}, written by the forward pass), its running
     * statistics and their gradient views (all {@code [C]} views of the graph's arrays).
     */
    record BatchStats(double decay, INDArray mean, INDArray var, INDArray runningMean, INDArray runningVar,
                      INDArray meanGrad, INDArray varGrad) {
    }

    /** A dropout mask, redrawn before each step: 0, or {@code 1 / retain} with probability {@code retain}. */
    record Mask(INDArray mask, double retain) {
    }

    /** A softmax cross-entropy output: its probabilities, where the caller writes dL/dlogits, and its class weights. */
    record Loss(Value probs, INDArray dLogits, INDArray weights, double clipEps) {
    }

    /** The lowered step. */
    record Step(Plan plan, int forwardSteps, List<BatchStats> stats, List<Mask> masks, List<Loss> losses) {
    }

    private final List<Runnable> backward = new ArrayList<>();
    private final List<String> backwardOf = new ArrayList<>();
    private final Map<Value, Value> diff = new IdentityHashMap<>();
    private final Set<Value> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Value> noGrad = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Map<String, INDArray>> gradViews = new HashMap<>();
    private final List<BatchStats> stats = new ArrayList<>();
    private final List<Mask> masks = new ArrayList<>();
    private final Map<String, Loss> losses = new HashMap<>();

    private TrainingLowering(ComputationGraph graph) {
        super(graph);
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l.numParams() > 0) {
                gradViews.put(l.conf().getLayer().getLayerName(), l.conf().getLayer().initializer()
                        .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray()));
            }
        }
    }

    /** The training step of {@code graph} for inputs of {@code shape} ({@code [N, C, H, W]}); its gradient views must exist. */
    static Step lower(ComputationGraph graph, long[] shape) {
        TrainingLowering l = new TrainingLowering(graph);
        try {
            return l.build(shape);
        } catch (RuntimeException e) {
            l.plan.close();
            throw e;
        }
    }

    private Step build(long[] shape) {
        lowerAll(shape);
        int forwardSteps = plan.size();
        for (int i = backward.size() - 1; i >= 0; i--) {
            plan.label(backwardOf.get(i) + " backward");
            backward.get(i).run();
        }
        for (String o : conf.getNetworkOutputs()) {
            if (!losses.containsKey(o)) {
                throw new UnsupportedLayerException(o + " in training: an output that is not a softmax cross-entropy layer");
            }
        }
        List<Loss> ls = conf.getNetworkOutputs().stream().map(losses::get).toList();
        plan.outputs(ls.stream().map(Loss::probs).toList());
        plan.allocate();
        return new Step(plan, forwardSteps, stats, masks, ls);
    }

    @Override
    void onInput(Value in) {
        noGrad.add(in); // nothing asks for the gradient of the images
    }

    @Override
    void lowerVertex(String name, GraphVertex v) {
        List<Value> in = conf.getVertexInputs().get(name).stream().map(out::get).toList();
        Value x = in.get(0);
        if (v instanceof DropPathVertex d) {
            out.put(name, d.isFrozen() || d.getP() == 0 ? x
                    : mask(name, x, new long[]{x.dims[0], 1, 1, 1}, 1 - d.getP()));
        } else if (v instanceof ChannelScaleVertex) {
            out.put(name, scale(name, x, in.get(1)));
        } else if (v instanceof ElementWiseVertex && in.size() == 1) {
            out.put(name, x); // a sum of one tensor
        } else if (v instanceof ElementWiseVertex) {
            out.put(name, add(name, in));
        } else if (v instanceof MergeVertex) {
            out.put(name, concatenate(name, in));
        } else if (v instanceof ChannelPadVertex p) {
            Value sub = p.getStride() == 1 ? x : pool(name, x, dnnl_pooling_avg_include_padding, new int[]{1, 1},
                    new int[]{p.getStride(), p.getStride()}, new int[]{0, 0});
            long[] d = sub.dims;
            out.put(name, pad(sub, new long[]{d[0], d[1] + p.getPad(), d[2], d[3]}, new long[]{0, p.getPad() / 2, 0, 0}));
        } else {
            lowerLayer(name, ((LayerVertex) v).getLayerConf().getLayer(), x);
        }
    }

    private void lowerLayer(String name, Layer l, Value x) {
        if (l instanceof ConvolutionLayer c) {
            Value y = conv(name, c, x);
            out.put(name, activation(name, eltwise(c.getActivationFn()), y));
        } else if (l instanceof BatchNormalization b) {
            batchNorm(name, b, x);
        } else if (l instanceof ActivationLayer a) {
            out.put(name, activation(name, eltwise(a.getActivationFn()), x));
        } else if (l instanceof SubsamplingLayer p) {
            int alg = p.getPoolingType() == PoolingType.MAX ? dnnl_pooling_max
                    : p.isAvgPoolIncludePadInDivisor() ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding;
            out.put(name, pool(name, x, alg, p.getKernelSize(), p.getStride(), p.getPadding()));
        } else if (l instanceof GlobalPoolingLayer p) {
            int alg = p.getPoolingType() == PoolingType.MAX ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
            Value y = pool(name, x, alg, new int[]{(int) x.dims[2], (int) x.dims[3]}, new int[]{1, 1}, new int[]{0, 0});
            out.put(name, p.isCollapseDimensions() ? reshape(convert(y, Dnnl.plain(y.dims)), y.dims[0], y.dims[1]) : y);
        } else if (l instanceof DenseLayer d) {
            out.put(name, activation(name, eltwise(d.getActivationFn()), dense(name, x)));
        } else if (l instanceof OutputLayer o) {
            output(name, o, dense(name, x));
        } else if (l instanceof DropoutLayer d) {
            double retain = d.getIDropout() == null ? 1 : ((Dropout) d.getIDropout()).getP();
            out.put(name, retain >= 1 ? x : mask(name, convert(x, Dnnl.plain(x.dims)), x.dims, retain));
        } else if (l instanceof ZeroPaddingLayer z) {
            int[] p = z.getPadding(); // top, bottom, left, right
            long[] d = x.dims;
            out.put(name, pad(x, new long[]{d[0], d[1], d[2] + p[0] + p[1], d[3] + p[2] + p[3]}, new long[]{0, 0, p[0], p[2]}));
        } else {
            throw new UnsupportedLayerException(name + " in training: " + l.getClass().getSimpleName());
        }
    }

    // ---- layers ----------------------------------------------------------------------------

    private Value conv(String name, ConvolutionLayer c, Value x) {
        INDArray w = graph.getLayer(name).getParam("W");
        ConvShape shape = convShape(name, c, x, w);
        long[] xd = shape.x();
        long[] yd = shape.y();
        long[] wd = shape.w();
        long[] s = shape.stride();
        long[] p = shape.pad();
        long outC = shape.outChannels();
        dnnl_memory_desc_t bias = c.hasBias() ? Dnnl.plain(outC) : null;
        dnnl_memory_desc_t anyX = Dnnl.desc(xd, dnnl_format_tag_any);
        dnnl_memory_desc_t anyW = Dnnl.desc(wd, dnnl_format_tag_any);
        dnnl_memory_desc_t anyY = Dnnl.desc(yd, dnnl_format_tag_any);

        dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
        Dnnl.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct, anyX, anyW, bias,
                anyY, s, p, p), "convolution " + name);
        dnnl_primitive_desc fpd = Dnnl.pd(fd, null, "convolution " + name);
        Value src = convert(x, Dnnl.query(fpd, dnnl_query_src_md, 0));
        Value wParam = plan.bound(convWeights(shape, w), wd, w);
        Value weights = reordered(wParam, Dnnl.query(fpd, dnnl_query_weights_md, 0));
        Value y = plan.value(Dnnl.query(fpd, dnnl_query_dst_md, 0), yd);
        if (bias == null) {
            plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, src, weights, y);
        } else {
            plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST}, src, weights,
                    plan.bound(bias, new long[]{outC}, graph.getLayer(name).getParam("b")), y);
        }
        onBackward(() -> {
            Value dy = diffOf(y);
            INDArray gW = gradView(name, "W");
            if (bias == null && depthwise5x5(shape)) {
                depthwise5x5WeightGradient(name, shape, src, dy, gW);
            } else {
                dnnl_convolution_desc_t wdsc = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_weights_desc_init(wdsc, dnnl_convolution_direct, anyX, anyW, bias,
                        anyY, s, p, p), "convolution weights gradient " + name);
                dnnl_primitive_desc wpd = Dnnl.pd(wdsc, null, fpd, "convolution weights gradient " + name);
                Value dW = plan.value(Dnnl.query(wpd, dnnl_query_diff_weights_md, 0), wd);
                Value srcW = reordered(src, Dnnl.query(wpd, dnnl_query_src_md, 0));
                Value dyW = reordered(dy, Dnnl.query(wpd, dnnl_query_diff_dst_md, 0));
                if (bias == null) {
                    plan.step(Dnnl.primitive(wpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS}, srcW, dyW, dW);
                } else {
                    plan.step(Dnnl.primitive(wpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS,
                            DNNL_ARG_DIFF_BIAS}, srcW, dyW, dW, plan.bound(bias, new long[]{outC}, gradView(name, "b")));
                }
                plan.reorderStep(dW, plan.bound(convWeights(shape, gW), wd, gW));
                dnnl_primitive_desc_destroy(wpd);
            }
            if (!noGrad.contains(src)) {
                dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_data_desc_init(dd, dnnl_convolution_direct, anyX, anyW, anyY, s, p, p),
                        "convolution input gradient " + name);
                dnnl_primitive_desc dpd = Dnnl.pd(dd, null, fpd, "convolution input gradient " + name);
                Value dx = plan.value(Dnnl.query(dpd, dnnl_query_diff_src_md, 0), xd);
                plan.step(Dnnl.primitive(dpd), new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                        reordered(dy, Dnnl.query(dpd, dnnl_query_diff_dst_md, 0)),
                        reordered(wParam, Dnnl.query(dpd, dnnl_query_weights_md, 0)), dx);
                dnnl_primitive_desc_destroy(dpd);
                contribute(src, dx);
            }
            dnnl_primitive_desc_destroy(fpd);
        });
        return y;
    }

    /** Whether {@code shape} is a 5x5 depthwise convolution padded by 2, as EfficientNet's. */
    static boolean depthwise5x5(ConvShape shape) {
        long[] w = shape.w();
        return shape.depthwise() && w[3] == 5 && w[4] == 5 && shape.pad()[0] == 2 && shape.pad()[1] == 2;
    }

    /**
     * The weight gradient of a 5x5 depthwise convolution (padding 2) as four unpadded 3x3 ones,
     * written into {@code gW} (DL4J's layout): oneDNN 2.5's depthwise kernel computes 3x3 weight
     * gradients only, and runs 5x5 ones on im2col + GEMM, many times slower (docs/performance.md,
     * "EfficientNet-B0's 5x5 depthwise weight gradients"). Piece (a, b), a and b in {0, 2}, reads
     * the input shifted so that its 3x3 tap (i, j) is the 5x5 tap (i + a, j + b): a zero-bordered
     * copy {@code S [N, C, H + 2, W + 2]} with {@code S[h, w] = x[h + a - 2, w + b - 2]} (zero
     * outside {@code x}), which gives the same output size as the 5x5 convolution for every
     * stride. Taps two pieces share are taken from the first.
     */
    private void depthwise5x5WeightGradient(String name, ConvShape shape, Value x, Value dy, INDArray gW) {
        long[] xd = shape.x();
        long[] shifted = {xd[0], xd[1], xd[2] + 2, xd[3] + 2};
        long[] w3 = {xd[1], 1, 1, 3, 3};
        long[] none = {0, 0};
        Value dyPiece = dy;
        for (int a = 0; a <= 2; a += 2) {
            for (int b = 0; b <= 2; b += 2) {
                String what = "convolution weights gradient " + name + " (3x3 piece " + a + "," + b + ")";
                dnnl_memory_desc_t anyS = Dnnl.desc(shifted, dnnl_format_tag_any);
                dnnl_memory_desc_t anyW = Dnnl.desc(w3, dnnl_format_tag_any);
                dnnl_memory_desc_t anyY = Dnnl.desc(shape.y(), dnnl_format_tag_any);
                dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct, anyS, anyW,
                        null, anyY, shape.stride(), none, none), what);
                dnnl_primitive_desc fpd = Dnnl.pd(fd, null, what);
                dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_weights_desc_init(wd, dnnl_convolution_direct, anyS, anyW, null, anyY,
                        shape.stride(), none, none), what);
                dnnl_primitive_desc wpd = Dnnl.pd(wd, null, fpd, what);
                Value sx = sharedZeroed("5x5 piece " + a + "," + b, Dnnl.query(wpd, dnnl_query_src_md, 0), shifted);
                plan.reorderStep(x, plan.view(window(sx.desc, xd, 2 - a, 2 - b), xd, sx.storage));
                Value dW3 = plan.value(Dnnl.query(wpd, dnnl_query_diff_weights_md, 0), w3);
                dyPiece = reordered(dyPiece, Dnnl.query(wpd, dnnl_query_diff_dst_md, 0)); // once, as the pieces agree
                plan.step(Dnnl.primitive(wpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                        sx, dyPiece, dW3);
                dnnl_primitive_desc_destroy(wpd);
                dnnl_primitive_desc_destroy(fpd);
                // rows (columns) 0-2 of piece 0 are taps 0-2; rows 1-2 of piece 2 are taps 3-4
                long[] part = {xd[1], 1, 1, a == 0 ? 3 : 2, b == 0 ? 3 : 2};
                long[] from = {0, 0, 0, a == 0 ? 0 : 1, b == 0 ? 0 : 1};
                long[] to = {0, 0, 0, from[3] + a, from[4] + b};
                Value plain3 = reordered(dW3, Dnnl.plain(w3)); // a block of channels padded to oneDNN's block cannot be viewed
                plan.reorderStep(plan.view(submemory(plain3.desc, part, from), part, plain3.storage),
                        plan.bound(submemory(convWeights(shape, gW), part, to), part, gW));
            }
        }
    }

    /**
     * The {@code [N, C, H, W]} window of {@code whole} ({@code [N, C, H', W']}, rows and columns
     * unblocked, as oneDNN's convolutions lay them out) starting at row {@code top} and column
     * {@code left}, with all of whole's channels: oneDNN's submemory refuses it when C is not a
     * multiple of the channel block (e.g. 12 channels in {@code nChw8c}).
     */
    static dnnl_memory_desc_t window(dnnl_memory_desc_t whole, long[] dims, long top, long left) {
        if (!Dnnl.unblocked(whole, 2, 3)) {
            throw new UnsupportedLayerException("a layout that blocks rows or columns");
        }
        dnnl_memory_desc_t v = Dnnl.copy(whole);
        dnnl_blocking_desc_t b = v.format_desc_blocking();
        v.dims().put(2, dims[2]).put(3, dims[3]);
        v.padded_dims().put(2, dims[2]).put(3, dims[3]);
        v.offset0(whole.offset0() + top * b.strides().get(2) + left * b.strides().get(3));
        return v;
    }

    /** Batch norm with batch statistics, and the ReLU after it when it is its only consumer. */
    private void batchNorm(String name, BatchNormalization b, Value x) {
        if (x.dims.length != 4) {
            throw new UnsupportedLayerException(name + " in training: batch norm of a " + x.dims.length + "-d input");
        }
        long c = x.dims[1];
        String relu = soleConsumer(name);
        boolean fuse = relu != null && layerOf(relu) instanceof ActivationLayer a && a.getActivationFn() instanceof ActivationReLU;
        int flags = dnnl_use_scale | dnnl_use_shift | (fuse ? dnnl_fuse_norm_relu : 0);
        float eps = (float) b.getEps();
        dnnl_batch_normalization_desc_t fd = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(fd, dnnl_forward_training, x.desc, eps, flags), "batch norm " + name);
        dnnl_primitive_desc fpd = Dnnl.pd(fd, null, "batch norm " + name);
        var layer = graph.getLayer(name);
        dnnl_memory_desc_t vec = Dnnl.plain(c);
        long[] cd = {c};
        INDArray mean = Nd4j.create(DataType.FLOAT, c);
        INDArray var = Nd4j.create(DataType.FLOAT, c);
        stats.add(new BatchStats(b.getDecay(), mean, var, layer.getParam("mean").reshape(c), layer.getParam("var").reshape(c),
                gradView(name, "mean").reshape(c), gradView(name, "var").reshape(c)));
        Value scale = plan.bound(vec, cd, layer.getParam("gamma"));
        Value shift = plan.bound(vec, cd, layer.getParam("beta"));
        Value meanV = plan.bound(vec, cd, mean);
        Value varV = plan.bound(vec, cd, var);
        Value y = plan.value(x.desc, x.dims);
        Value ws = fuse ? plan.value(Dnnl.query(fpd, dnnl_query_workspace_md, 0), x.dims) : null;
        int[] args = {DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_WORKSPACE};
        Value[] vals = {x, scale, shift, y, meanV, varV, ws};
        plan.step(Dnnl.primitive(fpd), fuse ? args : java.util.Arrays.copyOf(args, 6), fuse ? vals : java.util.Arrays.copyOf(vals, 6));
        out.put(name, y);
        if (fuse) {
            out.put(relu, y);
            lowered.add(relu);
        }
        onBackward(() -> {
            Value dy = reordered(diffOf(y), x.desc);
            dnnl_batch_normalization_desc_t bd = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_backward_desc_init(bd, dnnl_backward, x.desc, x.desc, eps, flags),
                    "batch norm gradient " + name);
            dnnl_primitive_desc bpd = Dnnl.pd(bd, null, fpd, "batch norm gradient " + name);
            Value dx = plan.value(x.desc, x.dims);
            // oneDNN 2.5's backward takes the shift too
            int[] bargs = {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT,
                    DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT, DNNL_ARG_WORKSPACE};
            Value[] bvals = {x, meanV, varV, dy, scale, shift, dx, plan.bound(vec, cd, gradView(name, "gamma")),
                    plan.bound(vec, cd, gradView(name, "beta")), ws};
            plan.step(Dnnl.primitive(bpd), fuse ? bargs : java.util.Arrays.copyOf(bargs, 9),
                    fuse ? bvals : java.util.Arrays.copyOf(bvals, 9));
            dnnl_primitive_desc_destroy(bpd);
            dnnl_primitive_desc_destroy(fpd);
            contribute(x, dx);
        });
    }

    /** An element-wise activation (none for the identity). */
    private Value activation(String name, Eltwise e, Value x) {
        if (e == null) {
            return x;
        }
        // ReLU and the logistic differentiate from their output; SiLU from its input
        int alg = e.algorithm() == dnnl_eltwise_relu ? dnnl_eltwise_relu_use_dst_for_bwd
                : e.algorithm() == dnnl_eltwise_logistic ? dnnl_eltwise_logistic_use_dst_for_bwd : e.algorithm();
        boolean fromDst = alg != e.algorithm();
        dnnl_eltwise_desc_t fd = new dnnl_eltwise_desc_t();
        Dnnl.check(dnnl_eltwise_forward_desc_init(fd, dnnl_forward_training, alg, x.desc, e.alpha(), 0f), "eltwise " + name);
        dnnl_primitive_desc fpd = Dnnl.pd(fd, null, "eltwise " + name);
        Value y = plan.value(x.desc, x.dims);
        plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, y);
        onBackward(() -> {
            Value dy = reordered(diffOf(y), x.desc);
            dnnl_eltwise_desc_t bd = new dnnl_eltwise_desc_t();
            Dnnl.check(dnnl_eltwise_backward_desc_init(bd, alg, x.desc, x.desc, e.alpha(), 0f), "eltwise gradient " + name);
            dnnl_primitive_desc bpd = Dnnl.pd(bd, null, fpd, "eltwise gradient " + name);
            Value dx = plan.value(x.desc, x.dims);
            plan.step(Dnnl.primitive(bpd), new int[]{fromDst ? DNNL_ARG_DST : DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
                    fromDst ? y : x, dy, dx);
            dnnl_primitive_desc_destroy(bpd);
            dnnl_primitive_desc_destroy(fpd);
            contribute(x, dx);
        });
        return y;
    }

    private Value pool(String name, Value x, int alg, int[] k, int[] s, int[] p) {
        long[] yd = {x.dims[0], x.dims[1], outSize(name, x.dims[2], k[0], s[0], p[0]),
                outSize(name, x.dims[3], k[1], s[1], p[1])};
        long[] st = {s[0], s[1]};
        long[] ks = {k[0], k[1]};
        long[] dil = {0, 0};
        long[] pad = {p[0], p[1]};
        dnnl_memory_desc_t anyY = Dnnl.desc(yd, dnnl_format_tag_any);
        dnnl_pooling_v2_desc_t fd = new dnnl_pooling_v2_desc_t();
        Dnnl.check(dnnl_pooling_v2_forward_desc_init(fd, dnnl_forward_training, alg, x.desc, anyY, st, ks, dil, pad, pad),
                "pooling " + name);
        dnnl_primitive_desc fpd = Dnnl.pd(fd, null, "pooling " + name);
        Value y = plan.value(Dnnl.query(fpd, dnnl_query_dst_md, 0), yd);
        boolean max = alg == dnnl_pooling_max;
        Value ws = max ? plan.value(Dnnl.query(fpd, dnnl_query_workspace_md, 0), yd) : null;
        if (max) {
            plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE}, x, y, ws);
        } else {
            plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, y);
        }
        onBackward(() -> {
            if (noGrad.contains(x)) {
                dnnl_primitive_desc_destroy(fpd);
                return;
            }
            Value dy = reordered(diffOf(y), y.desc);
            dnnl_pooling_v2_desc_t bd = new dnnl_pooling_v2_desc_t();
            Dnnl.check(dnnl_pooling_v2_backward_desc_init(bd, alg, x.desc, y.desc, st, ks, dil, pad, pad), "pooling gradient " + name);
            dnnl_primitive_desc bpd = Dnnl.pd(bd, null, fpd, "pooling gradient " + name);
            Value dx = plan.value(x.desc, x.dims);
            if (max) {
                plan.step(Dnnl.primitive(bpd), new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC}, dy, ws, dx);
            } else {
                plan.step(Dnnl.primitive(bpd), new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}, dy, dx);
            }
            dnnl_primitive_desc_destroy(bpd);
            dnnl_primitive_desc_destroy(fpd);
            contribute(x, dx);
        });
        return y;
    }

    /** An inner product {@code [N, F] -> [N, out]} (F flattened from {@code [C, H, W]} in C order), without activation. */
    private Value dense(String name, Value x) {
        INDArray w = graph.getLayer(name).getParam("W"); // [in, out]
        long[] wd = denseShape(name, x, w);
        long o = wd[0];
        long[] xd = x.dims;
        long[] yd = {xd[0], o};
        dnnl_memory_desc_t bias = Dnnl.plain(o);
        dnnl_memory_desc_t anyX = Dnnl.desc(xd, dnnl_format_tag_any);
        dnnl_memory_desc_t anyW = Dnnl.desc(wd, dnnl_format_tag_any);
        dnnl_memory_desc_t yDesc = Dnnl.plain(yd);
        dnnl_inner_product_desc_t fd = new dnnl_inner_product_desc_t();
        Dnnl.check(dnnl_inner_product_forward_desc_init(fd, dnnl_forward_training, anyX, anyW, bias, yDesc), "inner product " + name);
        dnnl_primitive_desc fpd = Dnnl.pd(fd, null, "inner product " + name);
        Value src = convert(x, Dnnl.query(fpd, dnnl_query_src_md, 0));
        Value wParam = plan.bound(denseWeights(wd, w), wd, w);
        Value y = plan.value(yDesc, yd);
        plan.step(Dnnl.primitive(fpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST}, src,
                reordered(wParam, Dnnl.query(fpd, dnnl_query_weights_md, 0)),
                plan.bound(bias, new long[]{o}, graph.getLayer(name).getParam("b")), y);
        onBackward(() -> {
            Value dy = reordered(diffOf(y), yDesc);
            dnnl_inner_product_desc_t wdsc = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_weights_desc_init(wdsc, anyX, anyW, bias, yDesc), "inner product weights gradient " + name);
            dnnl_primitive_desc wpd = Dnnl.pd(wdsc, null, fpd, "inner product weights gradient " + name);
            Value dW = plan.value(Dnnl.query(wpd, dnnl_query_diff_weights_md, 0), wd);
            plan.step(Dnnl.primitive(wpd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
                    reordered(src, Dnnl.query(wpd, dnnl_query_src_md, 0)), dy, dW,
                    plan.bound(bias, new long[]{o}, gradView(name, "b")));
            INDArray gW = gradView(name, "W");
            plan.reorderStep(dW, plan.bound(denseWeights(wd, gW), wd, gW));
            dnnl_primitive_desc_destroy(wpd);
            if (!noGrad.contains(src)) {
                dnnl_inner_product_desc_t dd = new dnnl_inner_product_desc_t();
                Dnnl.check(dnnl_inner_product_backward_data_desc_init(dd, anyX, anyW, yDesc), "inner product input gradient " + name);
                dnnl_primitive_desc dpd = Dnnl.pd(dd, null, fpd, "inner product input gradient " + name);
                Value dx = plan.value(Dnnl.query(dpd, dnnl_query_diff_src_md, 0), xd);
                plan.step(Dnnl.primitive(dpd), new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC}, dy,
                        reordered(wParam, Dnnl.query(dpd, dnnl_query_weights_md, 0)), dx);
                dnnl_primitive_desc_destroy(dpd);
                contribute(src, dx);
            }
            dnnl_primitive_desc_destroy(fpd);
        });
        return y;
    }

    /** Softmax probabilities of {@code logits}; the caller writes the cross-entropy gradient before the backward pass. */
    private void output(String name, OutputLayer o, Value logits) {
        dnnl_softmax_desc_t sd = new dnnl_softmax_desc_t();
        Dnnl.check(dnnl_softmax_forward_desc_init(sd, dnnl_forward_training, logits.desc, 1), "softmax " + name);
        dnnl_primitive_desc spd = Dnnl.pd(sd, null, "softmax " + name);
        Value probs = plan.value(logits.desc, logits.dims);
        plan.step(Dnnl.primitive(spd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, logits, probs);
        dnnl_primitive_desc_destroy(spd);
        INDArray dLogits = Nd4j.create(DataType.FLOAT, logits.dims);
        Value d = plan.bound(logits.desc, logits.dims, dLogits);
        diff.put(logits, d);
        claimed.add(d);
        LossMCXENT loss = (LossMCXENT) o.getLossFn();
        losses.put(name, new Loss(probs, dLogits, loss.getWeights(), loss.getSoftmaxClipEps()));
        out.put(name, probs);
    }

    /** {@code x * mask}, the mask ({@code dims}, plain, broadcast where 1) redrawn before each step. */
    private Value mask(String name, Value x, long[] dims, double retain) {
        INDArray m = Nd4j.create(DataType.FLOAT, dims);
        masks.add(new Mask(m, retain));
        if (Arrays.stream(dims).skip(1).allMatch(d -> d == 1) && perSample(x.desc, dims[0])) {
            return sampleMask(name, x, m);
        }
        Value mv = plan.bound(Dnnl.plain(dims), dims, m);
        Value y = binary(name, dnnl_binary_mul, x, mv);
        onBackward(() -> contribute(x, binary(name, dnnl_binary_mul, reordered(diffOf(y), x.desc), mv)));
        return y;
    }

    /**
     * Drop path's {@code x * mask}, one mask value per sample ({@code m [N, 1, 1, 1]}), with
     * {@code x} seen as {@code [1, N, L]} and the mask as {@code [1, N, 1]}: oneDNN 2.5 has no
     * fast kernel for a {@code [N, 1, 1, 1]} operand against a blocked one (its reference kernel
     * took 16% of an EfficientNet-B0 training step), but one for a per-channel operand.
     */
    private Value sampleMask(String name, Value x, INDArray m) {
        long n = x.dims[0];
        dnnl_memory_desc_t rows = Dnnl.plain(1, n, Dnnl.bytes(x.desc) / 4 / n);
        Value mv = plan.bound(Dnnl.plain(1, n, 1), new long[]{1, n, 1}, m);
        Value y = plan.view(x.desc, x.dims, binary(name, dnnl_binary_mul, plan.view(rows, x.dims, x.storage), mv).storage);
        onBackward(() -> {
            Value dy = reordered(diffOf(y), x.desc);
            contribute(x, plan.view(x.desc, x.dims, binary(name, dnnl_binary_mul, plan.view(rows, x.dims, dy.storage), mv).storage));
        });
        return y;
    }

    /** Whether each of the {@code n} samples of a tensor of layout {@code desc} is one contiguous block, in order. */
    private static boolean perSample(dnnl_memory_desc_t desc, long n) {
        return Dnnl.unblocked(desc, 0) && desc.offset0() == 0
                && desc.format_desc_blocking().strides().get(0) * n * 4 == Dnnl.bytes(desc);
    }

    /** Squeeze-and-excitation's {@code x * s}, {@code s [N, C, 1, 1]}: {@code dx = dy * s}, {@code ds = sum over H, W of dy * x}. */
    private Value scale(String name, Value x, Value s) {
        if (s.dims.length != 4) {
            throw new UnsupportedLayerException(name + " in training: scales of rank " + s.dims.length);
        }
        Value y = binary(name, dnnl_binary_mul, x, s);
        onBackward(() -> {
            Value dy = reordered(diffOf(y), x.desc);
            contribute(x, binary(name, dnnl_binary_mul, dy, s));
            if (!noGrad.contains(s)) {
                contribute(s, spatialSum(name, binary(name, dnnl_binary_mul, dy, x), s.desc));
            }
        });
        return y;
    }

    /**
     * The sum over H and W of {@code x [N, C, H, W]}, as {@code [N, C, 1, 1]} in layout {@code desc}:
     * average pooling over the whole image, times {@code H W}. oneDNN 2.5's reduction has only its
     * reference kernel for blocked layouts (27% of an EfficientNet-B0 training step); pooling has a
     * fast one.
     */
    private Value spatialSum(String name, Value x, dnnl_memory_desc_t desc) {
        long[] d = x.dims;
        long[] yd = {d[0], d[1], 1, 1};
        dnnl_pooling_v2_desc_t pd0 = new dnnl_pooling_v2_desc_t();
        Dnnl.check(dnnl_pooling_v2_forward_desc_init(pd0, dnnl_forward_inference, dnnl_pooling_avg_exclude_padding, x.desc,
                Dnnl.desc(yd, dnnl_format_tag_any), new long[]{1, 1}, new long[]{d[2], d[3]}, new long[]{0, 0},
                new long[]{0, 0}, new long[]{0, 0}), "spatial sum " + name);
        dnnl_primitive_desc pd = Dnnl.pd(pd0, null, "spatial sum " + name);
        Value mean = plan.value(Dnnl.query(pd, dnnl_query_dst_md, 0), yd);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, x, mean);
        dnnl_primitive_desc_destroy(pd);
        Value m = reordered(mean, desc);
        dnnl_eltwise_desc_t ed = new dnnl_eltwise_desc_t();
        Dnnl.check(dnnl_eltwise_forward_desc_init(ed, dnnl_forward_inference, dnnl_eltwise_linear, m.desc, d[2] * d[3], 0f),
                "spatial sum " + name);
        dnnl_primitive_desc epd = Dnnl.pd(ed, null, "spatial sum " + name);
        Value sum = plan.value(m.desc, yd);
        plan.step(Dnnl.primitive(epd), new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, m, sum);
        dnnl_primitive_desc_destroy(epd);
        return sum;
    }

    /** A residual sum: the gradient passes to every input unchanged. */
    private Value add(String name, List<Value> in) {
        Value acc = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            acc = binary(name, dnnl_binary_add, acc, reordered(in.get(i), acc.desc));
        }
        Value y = acc;
        onBackward(() -> {
            Value dy = diffOf(y);
            claimed.remove(dy); // the sum's output gradient is read by nothing else: the first input may keep it
            for (Value v : in) {
                contribute(v, dy);
            }
        });
        return y;
    }

    private Value binary(String name, int alg, Value a, Value b) {
        Value y = plan.value(a.desc, a.dims);
        binaryStep(name, alg, a, b, y);
        return y;
    }

    /** Concatenation along channels; each input's gradient is its slice of the output's (read in plain layout). */
    private Value concatenate(String name, List<Value> xs) {
        Value y = concat(name, xs);
        onBackward(() -> {
            Value dy = reordered(diffOf(y), Dnnl.plain(y.dims));
            long offset = 0;
            for (Value x : xs) {
                contribute(x, slice(dy, x.dims, new long[]{0, offset, 0, 0}));
                offset += x.dims[1];
            }
        });
        return y;
    }

    /** {@code x} copied into a zero tensor of {@code dims} at {@code offsets}; its gradient is the matching slice. */
    private Value pad(Value x, long[] dims, long[] offsets) {
        Value whole = embed(x, dims, offsets);
        onBackward(() -> contribute(x, slice(reordered(diffOf(whole), whole.desc), x.dims, offsets)));
        return whole;
    }

    /** A plain copy of the block of {@code v} (plain) of {@code dims} at {@code offsets}. */
    private Value slice(Value v, long[] dims, long[] offsets) {
        Value copy = plan.value(Dnnl.plain(dims), dims);
        plan.reorderStep(plan.view(submemory(v.desc, dims, offsets), dims, v.storage), copy);
        return copy;
    }

    /** {@code v} (plain) seen as {@code [rows, cols]}; the gradient flows back through the same buffer. */
    private Value reshape(Value v, long rows, long cols) {
        Value r = plan.view(Dnnl.plain(rows, cols), new long[]{rows, cols}, v.storage);
        onBackward(() -> {
            Value dr = diffOf(r);
            contribute(v, plan.view(v.desc, v.dims, reordered(dr, r.desc).storage));
        });
        return r;
    }

    // ---- gradients ------------------------------------------------------------------------

    /** Registers {@code emit}, which appends the backward steps of what was just lowered; they run in reverse order. */
    private void onBackward(Runnable emit) {
        backward.add(emit);
        backwardOf.add(current);
    }

    /** {@code v} in layout {@code desc} for the forward pass; the gradient of the copy flows back to {@code v}. */
    private Value convert(Value v, dnnl_memory_desc_t desc) {
        if (Dnnl.equal(v.desc, desc)) {
            return v;
        }
        Value r = reordered(v, desc);
        if (noGrad.contains(v)) {
            noGrad.add(r);
        } else {
            onBackward(() -> contribute(v, diffOf(r)));
        }
        return r;
    }

    /** Adds {@code g} to the gradient of {@code v} (in {@code v}'s layout). */
    private void contribute(Value v, Value g) {
        if (noGrad.contains(v)) {
            return;
        }
        Value gv = reordered(g, v.desc);
        Value d = diff.get(v);
        if (d == null) {
            if (claimed.contains(gv) || !Plan.overwritable(gv)) { // someone else's gradient, or a zero written once: copy
                Value copy = plan.value(v.desc, v.dims);
                plan.reorderStep(gv, copy);
                gv = copy;
            }
            diff.put(v, gv);
            claimed.add(gv);
        } else {
            binaryStep("gradient sum", dnnl_binary_add, d, gv, d);
        }
    }

    /** The gradient of {@code v}, zeros if nothing reads it. */
    private Value diffOf(Value v) {
        Value d = diff.get(v);
        if (d == null) {
            d = plan.value(v.desc, v.dims, true);
            diff.put(v, d);
            claimed.add(d);
        }
        return d;
    }

    private INDArray gradView(String layer, String param) {
        return gradViews.get(layer).get(param);
    }
}
