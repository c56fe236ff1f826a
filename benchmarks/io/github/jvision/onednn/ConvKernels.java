package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.ref.Reference;
import java.util.Arrays;

/**
 * Which convolution kernels jvision's oneDNN (2.5.2) picks on this CPU, and how fast they run:
 * ten of ResNet-50's convolution shapes at batch 16 (its seven 3x3 ones and three 1x1 ones), forward,
 * weight gradient and data gradient, each with the
 * layouts oneDNN chooses ("any"). The same probe as {@code benchmarks/onednn3/ConvKernels.java} for
 * oneDNN 3.3.4, for docs/performance.md ("A newer oneDNN"). Prints a TSV: the implementation oneDNN
 * names, the median of 5 runs after half a second of warm-up runs (ms) and GFLOP/s (2 x MACs).
 * <pre>OMP_NUM_THREADS=2 java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.onednn.ConvKernels</pre>
 */
public final class ConvKernels {
    /** {C, K, width, kernel, stride}: ResNet-50's 3x3 and 1x1 convolutions. */
    private static final int[][] SHAPES = {
            {64, 64, 56, 3, 1}, {128, 128, 28, 3, 1}, {256, 256, 14, 3, 1}, {512, 512, 7, 3, 1},
            {128, 128, 56, 3, 2}, {256, 256, 28, 3, 2}, {512, 512, 14, 3, 2},
            {64, 256, 56, 1, 1}, {256, 64, 56, 1, 1}, {512, 2048, 7, 1, 1}};
    private static final long BATCH = 16;

    public static void main(String[] args) {
        io.github.jvision.Backend.init();
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
            long[] strides = {st, st}, padding = {pad, pad};
            double gflop = 2.0 * BATCH * k * c * ow * ow * kw * kw / 1e9;

            dnnl_convolution_desc_t f = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(f, dnnl_forward_training, dnnl_convolution_direct, any(x),
                    any(wt), null, any(y), strides, padding, padding), "forward");
            dnnl_primitive_desc fwd = Dnnl.pd(new const_dnnl_op_desc_t(f), null, "forward");
            dnnl_convolution_desc_t bw = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(bw, dnnl_convolution_direct, any(x), any(wt), null,
                    any(y), strides, padding, padding), "weights");
            dnnl_primitive_desc bwdW = Dnnl.pd(new const_dnnl_op_desc_t(bw), null, fwd, "weights");
            dnnl_convolution_desc_t bd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_data_desc_init(bd, dnnl_convolution_direct, any(x), any(wt), any(y),
                    strides, padding, padding), "data");
            dnnl_primitive_desc bwdD = Dnnl.pd(new const_dnnl_op_desc_t(bd), null, fwd, "data");

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
        FloatPointer[] data = new FloatPointer[n]; // oneDNN's memories hold only their addresses
        for (int i = 0; i < n; i++) {
            var md = Dnnl.query(pd, queriesAndArgs[2 * i], 0);
            data[i] = new FloatPointer(Dnnl.bytes(md) / Float.BYTES);
            for (long j = 0; j < data[i].capacity(); j++) {
                data[i].put(j, (float) Math.random() - 0.5f);
            }
            args.position(i).arg(queriesAndArgs[2 * i + 1]).memory(Dnnl.memory(md, data[i]));
        }
        dnnl_primitive p = Dnnl.primitive(pd);
        double ms = medianMs(() -> {
            Dnnl.check(dnnl_primitive_execute(p, Dnnl.stream(), n, args.position(0)), "execute");
            Dnnl.check(dnnl_stream_wait(Dnnl.stream()), "wait");
        });
        Reference.reachabilityFence(data);
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        Dnnl.check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "implementation");
        return String.format("\t%s\t%.1f\t%.0f", name.get(BytePointer.class, 0).getString(), ms, gflop / ms * 1e3);
    }

    private static org.bytedeco.dnnl.dnnl_memory_desc_t any(long[] dims) {
        return Dnnl.desc(dims, dnnl_format_tag_any);
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
}
