package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import io.github.jvision.nn.SiLU;
import io.github.jvision.onednn.Dnnl.Eltwise;
import io.github.jvision.onednn.Plan.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the inference ({@link Lowering}) and training ({@link TrainingLowering}) lowerings share:
 * the walk over a graph in topological order, each vertex's output value, the consumers of each
 * vertex, and the forward pieces that are the same in both (shapes, weight layouts, concatenation,
 * zero borders, layout changes).
 */
abstract class GraphLowering {
    final ComputationGraph graph;
    final ComputationGraphConfiguration conf;
    final Plan plan = new Plan();
    /** Shared zeroed buffers by key ({@link #sharedZeroed}). */
    private final Map<Object, List<Value>> zeroed = new HashMap<>();
    /** The value each lowered vertex outputs (vertices fused into another share its value). */
    final Map<String, Value> out = new HashMap<>();
    final Map<String, List<String>> consumers = new HashMap<>();
    final Set<String> lowered = new HashSet<>();
    /** The vertex being lowered. */
    String current;

    GraphLowering(ComputationGraph graph) {
        this.graph = graph;
        this.conf = graph.getConfiguration();
        conf.getVertexInputs().forEach((v, ins) -> ins.forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(v)));
    }

    /** @throws UnsupportedLayerException unless {@code graph} has one input and float32 parameters */
    static void checkGraph(ComputationGraph graph) {
        ComputationGraphConfiguration c = graph.getConfiguration();
        if (c.getNetworkInputs().size() != 1) {
            throw new UnsupportedLayerException("a graph with " + c.getNetworkInputs().size() + " inputs (one is supported)");
        }
        if (graph.params() != null && graph.params().dataType() != DataType.FLOAT) {
            throw new UnsupportedLayerException("parameters of type " + graph.params().dataType() + " (float32 is supported)");
        }
    }

    /** Lowers every vertex in topological order from an input of {@code shape}; returns the input's value. */
    final Value lowerAll(long[] shape) {
        String inputName = conf.getNetworkInputs().get(0);
        Value in = plan.value(Dnnl.plain(shape), shape);
        plan.input(in);
        out.put(inputName, in);
        lowered.add(inputName);
        onInput(in);
        for (int i : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[i].getVertexName();
            if (!lowered.contains(name)) {
                current = name;
                plan.label(name + " forward");
                lowerVertex(name, conf.getVertices().get(name));
                lowered.add(name);
            }
        }
        return in;
    }

    abstract void lowerVertex(String name, GraphVertex v);

    /** Called with the input's value before any vertex is lowered. */
    void onInput(Value in) {
    }

    /** oneDNN's form of {@code a}, or {@code null} for the identity and for functions without one. */
    static Eltwise eltwise(IActivation a) {
        if (a instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null && r.getNegativeSlope() == null) {
            return new Eltwise(dnnl_eltwise_relu, 0f);
        }
        if (a instanceof SiLU) {
            return new Eltwise(dnnl_eltwise_swish, 1f);
        }
        if (a instanceof ActivationSigmoid) {
            return new Eltwise(dnnl_eltwise_logistic, 0f);
        }
        if (a instanceof ActivationTanH) {
            return new Eltwise(dnnl_eltwise_tanh, 0f);
        }
        return null;
    }

    /** Output size of a DL4J {@code Truncate} convolution or pooling: {@code floor((in + 2p - k) / s) + 1}. */
    static long outSize(String name, long in, int k, int s, int p) {
        long o = Math.floorDiv(in + 2L * p - k, s) + 1;
        if (o < 1) {
            throw new IllegalArgumentException(name + ": kernel " + k + " does not fit an input of " + in + " with padding " + p);
        }
        return o;
    }

    /** A convolution's shapes: input, output, weights (oneDNN's, {@code [C, 1, 1, kh, kw]} when depthwise), stride, padding. */
    record ConvShape(long[] x, long[] y, long[] w, long[] stride, long[] pad, boolean depthwise) {
        long outChannels() {
            return y[1];
        }
    }

    /** @throws IllegalArgumentException if {@code x} has other channels than the weights {@code w} expect */
    static ConvShape convShape(String name, ConvolutionLayer c, Value x, INDArray w) {
        long[] xd = x.dims;
        boolean depthwise = c instanceof DepthwiseConvolution2D;
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        long outC = depthwise ? xd[1] : c.getNOut();
        long inC = depthwise ? w.size(2) : w.size(1);
        if (inC != xd[1]) {
            throw new IllegalArgumentException(name + " expects " + inC + " input channels; got " + xd[1]);
        }
        long[] yd = {xd[0], outC, outSize(name, xd[2], k[0], s[0], p[0]), outSize(name, xd[3], k[1], s[1], p[1])};
        long[] wd = depthwise ? new long[]{outC, 1, 1, k[0], k[1]} : new long[]{outC, xd[1], k[0], k[1]};
        return new ConvShape(xd, yd, wd, new long[]{s[0], s[1]}, new long[]{p[0], p[1]}, depthwise);
    }

    /**
     * oneDNN's view of a convolution's weights {@code w} (or their gradient) where DL4J keeps them:
     * {@code [out, in, kh, kw]}, or {@code [kh, kw, C, 1]} for a depthwise convolution (then
     * oneDNN's {@code [C, 1, 1, kh, kw]}), in whatever order the array has.
     */
    static dnnl_memory_desc_t convWeights(ConvShape c, INDArray w) {
        long[] st = w.stride();
        return Dnnl.strided(c.w(), c.depthwise() ? new long[]{st[2], st[3], st[3], st[0], st[1]} : st);
    }

    /**
     * The weights' shape for a dense layer on input {@code x}: {@code [out, in]}, or
     * {@code [out, C, H, W]} for an image input (flattened in C order, as DL4J does).
     *
     * @throws IllegalArgumentException if {@code x} has another number of features than {@code w [in, out]} expects
     */
    static long[] denseShape(String name, Value x, INDArray w) {
        long[] xd = x.dims;
        long in = 1;
        for (int i = 1; i < xd.length; i++) {
            in *= xd[i];
        }
        if (in != w.size(0)) {
            throw new IllegalArgumentException(name + " expects " + w.size(0) + " input features; got " + in);
        }
        return xd.length == 4 ? new long[]{w.size(1), xd[1], xd[2], xd[3]} : new long[]{w.size(1), xd[1]};
    }

    /** oneDNN's view of a dense layer's weights {@code w [in, out]} (DL4J keeps them in F order) or their gradient. */
    static dnnl_memory_desc_t denseWeights(long[] wd, INDArray w) {
        long si = w.stride(0);
        return Dnnl.strided(wd, wd.length == 4 ? new long[]{w.stride(1), si * wd[2] * wd[3], si * wd[3], si}
                : new long[]{w.stride(1), si});
    }

    /** Concatenation along channels ({@code torch.cat(xs, 1)}) in a layout oneDNN chooses. */
    Value concat(String name, List<Value> xs) {
        dnnl_memory_desc_t srcs = new dnnl_memory_desc_t(xs.size());
        long c = 0;
        for (int i = 0; i < xs.size(); i++) {
            Pointer.memcpy(srcs.getPointer(i), xs.get(i).desc, srcs.sizeof());
            c += xs.get(i).dims[1];
        }
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(dnnl_concat_primitive_desc_create(pd, null, xs.size(), 1, srcs, null, Dnnl.engine()), "concat " + name);
        long[] d = xs.get(0).dims;
        Value y = plan.value(Dnnl.query(pd, dnnl_query_dst_md, 0), new long[]{d[0], c, d[2], d[3]});
        int[] args = new int[xs.size() + 1];
        Value[] vals = new Value[xs.size() + 1];
        for (int i = 0; i < xs.size(); i++) {
            args[i] = DNNL_ARG_MULTIPLE_SRC + i;
            vals[i] = xs.get(i);
        }
        args[xs.size()] = DNNL_ARG_DST;
        vals[xs.size()] = y;
        plan.step(Dnnl.primitive(pd), args, vals);
        dnnl_primitive_desc_destroy(pd);
        return y;
    }

    /** {@code x} copied into a zero tensor of {@code dims} at {@code offsets} (plain layout; the zeros are written once). */
    Value embed(Value x, long[] dims, long[] offsets) {
        Value whole = plan.value(Dnnl.plain(dims), dims, true);
        plan.reorderStep(x, plan.view(submemory(whole.desc, x.dims, offsets), x.dims, whole.storage));
        return whole;
    }

    /** The descriptor of the block of {@code dims} at {@code offsets} inside a tensor of {@code whole}. */
    static dnnl_memory_desc_t submemory(dnnl_memory_desc_t whole, long[] dims, long[] offsets) {
        dnnl_memory_desc_t part = new dnnl_memory_desc_t();
        Dnnl.check(dnnl_memory_desc_init_submemory(part, whole, dims, offsets), "memory_desc_init_submemory");
        return part;
    }

    /**
     * A zeroed, pinned value of layout {@code desc}, one per {@code key} and layout, shared by every
     * step that asks with both: for buffers whose zero parts are written once and whose other parts
     * each user rewrites just before reading them (padding borders, gap columns). It stays
     * allocated with the program.
     */
    Value sharedZeroed(Object key, dnnl_memory_desc_t desc, long[] dims) {
        List<Value> same = zeroed.computeIfAbsent(key, k -> new ArrayList<>());
        for (Value v : same) {
            if (Dnnl.equal(v.desc, desc)) {
                return v;
            }
        }
        Value v = plan.value(desc, dims, true);
        same.add(v);
        return v;
    }

    /** Appends {@code y = a op b} ({@code alg}: {@code dnnl_binary_add}, {@code _mul}, ...), {@code b} broadcast where its dims are 1. */
    void binaryStep(String name, int alg, Value a, Value b, Value y) {
        dnnl_binary_desc_t d = new dnnl_binary_desc_t();
        Dnnl.check(dnnl_binary_desc_init(d, alg, a.desc, b.desc, y.desc), "binary " + name);
        dnnl_primitive_desc pd = Dnnl.pd(d, null, "binary " + name);
        plan.step(Dnnl.primitive(pd), new int[]{DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST}, a, b, y);
        dnnl_primitive_desc_destroy(pd);
    }

    /** {@code v} in layout {@code desc}: itself when it already is, else a copy made by a reorder step. */
    Value reordered(Value v, dnnl_memory_desc_t desc) {
        if (Dnnl.equal(v.desc, desc)) {
            return v;
        }
        Value r = plan.value(desc, v.dims);
        plan.reorderStep(v, r);
        return r;
    }

    /** The only consumer of {@code name}, or {@code null} when it has several or is a network output. */
    String soleConsumer(String name) {
        List<String> cs = consumers.getOrDefault(name, List.of());
        return cs.size() == 1 && !conf.getNetworkOutputs().contains(name) ? cs.get(0) : null;
    }

    Layer layerOf(String name) {
        return conf.getVertices().get(name) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }
}
