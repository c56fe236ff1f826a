import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.Arrays;

/**
 * Which convolution kernels a newer oneDNN (3.x, through JavaCPP's dnnl presets on JavaCPP 1.5.10)
 * picks on this CPU, and how fast they run: ResNet-50's convolutions at batch 16, forward, weight
 * gradient and data gradient, each with the layouts oneDNN chooses ("any"). A probe for
 * docs/performance.md ("A newer oneDNN"), kept outside the build: jvision itself uses oneDNN 2.5
 * through the dnnl 2.5.2-1.5.7 presets that match ND4J's JavaCPP. Run it with ./run.
 *
 * <p>Prints one line per shape: the implementation oneDNN names, the median of 5 runs after half a
 * second of warm-up runs (ms) and GFLOP/s (2 x MACs).
 */
public final class ConvKernels {
    private static final dnnl_engine ENGINE = new dnnl_engine();
    private static final dnnl_stream STREAM = new dnnl_stream();
    /** DNNL_MEMORY_ALLOCATE, which the presets do not map: the handle that asks oneDNN to allocate. */
    private static final Pointer ALLOCATE = new Pointer() {
        {
            address = -1;
        }
    };

    /** {C, K, width, kernel, stride}: ResNet-50's 3x3 and 1x1 convolutions. */
    private static final int[][] SHAPES = {
            {64, 64, 56, 3, 1}, {128, 128, 28, 3, 1}, {256, 256, 14, 3, 1}, {512, 512, 7, 3, 1},
            {128, 128, 56, 3, 2}, {256, 256, 28, 3, 2}, {512, 512, 14, 3, 2},
            {64, 256, 56, 1, 1}, {256, 64, 56, 1, 1}, {512, 2048, 7, 1, 1}};
    private static final long BATCH = 16;

    public static void main(String[] args) {
        check(dnnl_engine_create(ENGINE, dnnl_cpu, 0), "engine");
        check(dnnl_stream_create(STREAM, ENGINE, dnnl_stream_default_flags), "stream");
        sweep(false); // untimed: the first primitives in a process run slower for a while
        sweep(true);
    }

    /** Runs every shape's three convolutions once ({@code print} false) or times and prints them. */
    private static void sweep(boolean print) {
        if (print) {
            System.out.println("shape\tforward\tms\tGFLOP/s\tweight gradient\tms\tGFLOP/s\tdata gradient\tms\tGFLOP/s");
        }
        for (int[] s : SHAPES) {
            long c = s[0], k = s[1], w = s[2], kw = s[3], st = s[4], pad = kw / 2, ow = (w - 1) / st + 1;
            long[] x = {BATCH, c, w, w}, wt = {k, c, kw, kw}, y = {BATCH, k, ow, ow};
            long[] strides = {st, st}, dilation = {0, 0}, padding = {pad, pad};
            double gflop = 2.0 * BATCH * k * c * ow * ow * kw * kw / 1e9;

            dnnl_primitive_desc fwd = new dnnl_primitive_desc();
            check(dnnl_convolution_forward_primitive_desc_create(fwd, ENGINE, dnnl_forward_training,
                    dnnl_convolution_direct, any(x), any(wt), null, any(y), strides, dilation, padding, padding,
                    null), "forward");
            dnnl_primitive_desc bwdW = new dnnl_primitive_desc();
            check(dnnl_convolution_backward_weights_primitive_desc_create(bwdW, ENGINE, dnnl_convolution_direct,
                    any(x), any(wt), null, any(y), strides, dilation, padding, padding, fwd, null), "weights");
            dnnl_primitive_desc bwdD = new dnnl_primitive_desc();
            check(dnnl_convolution_backward_data_primitive_desc_create(bwdD, ENGINE, dnnl_convolution_direct,
                    any(x), any(wt), any(y), strides, dilation, padding, padding, fwd, null), "data");

            StringBuilder line = new StringBuilder(String.format("%dx%d c%d k%d %dx%d/%d", w, w, c, k, kw, kw, st));
            line.append(run(fwd, gflop, dnnl_query_src_md, DNNL_ARG_SRC, dnnl_query_weights_md, DNNL_ARG_WEIGHTS,
                    dnnl_query_dst_md, DNNL_ARG_DST));
            line.append(run(bwdW, gflop, dnnl_query_src_md, DNNL_ARG_SRC, dnnl_query_diff_dst_md, DNNL_ARG_DIFF_DST,
                    dnnl_query_diff_weights_md, DNNL_ARG_DIFF_WEIGHTS));
            line.append(run(bwdD, gflop, dnnl_query_diff_dst_md, DNNL_ARG_DIFF_DST, dnnl_query_weights_md,
                    DNNL_ARG_WEIGHTS, dnnl_query_diff_src_md, DNNL_ARG_DIFF_SRC));
            if (print) {
                System.out.println(line);
            }
        }
    }

    /** Runs {@code pd} on random tensors of the layouts it chose; {@code queriesAndArgs} pairs each tensor's query with its argument. */
    private static String run(dnnl_primitive_desc pd, double gflop, int... queriesAndArgs) {
        int n = queriesAndArgs.length / 2;
        dnnl_exec_arg_t args = new dnnl_exec_arg_t(n);
        for (int i = 0; i < n; i++) {
            args.position(i).arg(queriesAndArgs[2 * i + 1]).memory(random(dnnl_primitive_desc_query_md(pd, queriesAndArgs[2 * i], 0)));
        }
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "primitive");
        double ms = medianMs(() -> {
            check(dnnl_primitive_execute(p, STREAM, n, args.position(0)), "execute");
            check(dnnl_stream_wait(STREAM), "wait");
        });
        return String.format("\t%s\t%.1f\t%.0f", implementation(pd), ms, gflop / ms * 1e3);
    }

    private static dnnl_memory_desc any(long[] dims) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_tag(md, dims.length, dims, dnnl_f32, dnnl_format_tag_any), "memory desc");
        return md;
    }

    private static dnnl_memory random(dnnl_memory_desc md) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, ENGINE, ALLOCATE), "memory");
        Pointer handle = new Pointer();
        check(dnnl_memory_get_data_handle(m, handle), "handle");
        FloatPointer f = new FloatPointer(handle).capacity(dnnl_memory_desc_get_size(md) / Float.BYTES);
        for (long i = 0; i < f.capacity(); i++) {
            f.put(i, (float) Math.random() - 0.5f);
        }
        return m;
    }

    private static String implementation(dnnl_primitive_desc pd) {
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "implementation");
        return name.get(BytePointer.class, 0).getString();
    }

    /** Median of 5 runs after warm-up runs for at least half a second (the first primitive in a process runs slower for a while). */
    private static double medianMs(Runnable r) {
        for (long end = System.nanoTime() + 500_000_000L; System.nanoTime() < end; ) {
            r.run();
        }
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException(what + ": oneDNN status " + status);
        }
    }
}
