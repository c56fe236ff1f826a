package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_blocking_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few oneDNN C-API calls jvision makes, with every status checked: one CPU engine and one
 * in-order stream per process, memory descriptors, primitive descriptors and primitives.
 */
final class Dnnl {
    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
    private static dnnl_engine engine;
    private static dnnl_stream stream;
    private static String unavailable;

    private Dnnl() {
    }

    /** Loads oneDNN once; {@code null} when it works, else why not (no natives for this platform). */
    static synchronized String unavailableReason() {
        if (engine == null && unavailable == null) {
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine e = new dnnl_engine();
                check(dnnl_engine_create(e, dnnl_cpu, 0), "engine_create");
                dnnl_stream s = new dnnl_stream();
                check(dnnl_stream_create(s, e, dnnl_stream_default_flags), "stream_create");
                engine = e;
                stream = s;
            } catch (LinkageError | RuntimeException e) {
                unavailable = "oneDNN could not be loaded: " + e.getMessage();
                LOG.debug(unavailable, e);
            }
        }
        return unavailable;
    }

    static dnnl_engine engine() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return engine;
    }

    static dnnl_stream stream() {
        engine();
        return stream;
    }

    /** @throws IllegalStateException naming the call, when oneDNN returns an error status */
    static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + call + " failed with status " + status);
        }
    }

    /** A float32 descriptor of {@code dims} in format {@code tag} ({@code dnnl_format_tag_any} lets a primitive choose). */
    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory_desc_init_by_tag");
        return md;
    }

    /** A float32 descriptor of {@code dims} with element strides {@code strides}. */
    static dnnl_memory_desc_t strided(long[] dims, long[] strides) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_strides(md, dims.length, dims, dnnl_f32, strides), "memory_desc_init_by_strides");
        return md;
    }

    /** A plain row-major descriptor ({@code nchw}, {@code nc}, {@code x}) of {@code dims}. */
    static dnnl_memory_desc_t plain(long... dims) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return strided(dims, strides);
    }

    /** A copy of {@code md}, which may point into a primitive descriptor. */
    static dnnl_memory_desc_t copy(dnnl_memory_desc_t md) {
        dnnl_memory_desc_t c = new dnnl_memory_desc_t();
        Pointer.memcpy(c, md, c.sizeof());
        return c;
    }

    static boolean equal(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) != 0;
    }

    /** Whether {@code md} is a blocked layout (plain ones included) whose inner blocks split none of {@code dims}. */
    static boolean unblocked(dnnl_memory_desc_t md, int... dims) {
        if (md.format_kind() != dnnl_blocked) {
            return false;
        }
        dnnl_blocking_desc_t b = md.format_desc_blocking();
        for (int i = 0; i < b.inner_nblks(); i++) {
            for (int d : dims) {
                if (b.inner_idxs().get(i) == d) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Bytes a tensor of {@code md} occupies (blocked formats pad the channels). */
    static long bytes(dnnl_memory_desc_t md) {
        return dnnl_memory_desc_get_size(md);
    }

    /** The primitive descriptor of the operation described by {@code opDesc} (a {@code dnnl_*_desc_t}). */
    static dnnl_primitive_desc pd(Pointer opDesc, dnnl_primitive_attr attr, String what) {
        return pd(opDesc, attr, null, what);
    }

    /** As {@link #pd(Pointer, dnnl_primitive_attr, String)}; a backward operation names its forward one in {@code hint}. */
    static dnnl_primitive_desc pd(Pointer opDesc, dnnl_primitive_attr attr, dnnl_primitive_desc hint, String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        int status = dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine(), hint);
        if (status == dnnl_unimplemented) {
            throw new UnsupportedLayerException(what + " (oneDNN has no implementation for it here)");
        }
        check(status, what);
        return pd;
    }

    /** The descriptor {@code pd} chose for {@code query} (e.g. {@code dnnl_query_dst_md}), copied. */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int query, int index) {
        return copy(dnnl_primitive_desc_query_md(pd, query, index));
    }

    /** The name of the implementation oneDNN chose for {@code pd} (e.g. {@code jit:avx2}, {@code brgconv:avx512_core}). */
    static String implementation(dnnl_primitive_desc pd) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "primitive_desc_query");
            return name.get(BytePointer.class, 0).getString();
        }
    }

    static dnnl_primitive primitive(dnnl_primitive_desc pd) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "primitive_create");
        return p;
    }

    /** A reorder (layout conversion or copy) from {@code src} to {@code dst}. */
    static dnnl_primitive reorder(dnnl_memory_desc_t src, dnnl_memory_desc_t dst) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, src, engine(), dst, engine(), null), "reorder");
        dnnl_primitive p = primitive(pd);
        dnnl_primitive_desc_destroy(pd);
        return p;
    }

    /** Memory of {@code md} at {@code handle} (not owned). */
    static dnnl_memory memory(dnnl_memory_desc_t md, Pointer handle) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine(), handle), "memory_create");
        return m;
    }

    /** Attributes whose post-ops are an optional sum (into the prefilled destination) then {@code eltwise} if not {@code null}. */
    static dnnl_primitive_attr postOps(boolean sum, Eltwise eltwise) {
        dnnl_post_ops po = new dnnl_post_ops();
        check(dnnl_post_ops_create(po), "post_ops_create");
        if (sum) {
            check(dnnl_post_ops_append_sum(po, 1f), "post_ops_append_sum");
        }
        if (eltwise != null) {
            check(dnnl_post_ops_append_eltwise(po, 1f, eltwise.algorithm(), eltwise.alpha(), 0f), "post_ops_append_eltwise");
        }
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
        check(dnnl_primitive_attr_set_post_ops(attr, po), "primitive_attr_set_post_ops");
        dnnl_post_ops_destroy(po);
        return attr;
    }

    /** An element-wise function as oneDNN's algorithm and its alpha parameter. */
    record Eltwise(int algorithm, float alpha) {
    }
}
