package io.github.jvision.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A straight-line program of oneDNN primitives over tensors whose buffers are assigned by
 * liveness: a buffer returns to a pool after its last reader and the next tensor of at most its
 * size takes it. Built once per input shape by {@link Lowering}; not thread-safe.
 */
final class Plan implements AutoCloseable {
    /** Where a tensor's bytes live; several values (views, in-place results) may share one. */
    static final class Storage {
        private final long bytes;
        private final boolean pinned;
        private int first = Integer.MAX_VALUE;
        private int last = -1;
        private INDArray buffer;

        private Storage(long bytes, boolean pinned) {
            this.bytes = bytes;
            this.pinned = pinned;
        }
    }

    /** A tensor: its oneDNN descriptor, logical dims and storage. */
    static final class Value {
        final dnnl_memory_desc_t desc;
        final long[] dims;
        final Storage storage;
        private dnnl_memory memory;

        private Value(dnnl_memory_desc_t desc, long[] dims, Storage storage) {
            this.desc = desc;
            this.dims = dims;
            this.storage = storage;
        }
    }

    /** One primitive with its arguments ({@code DNNL_ARG_*} to value), and what it computes (for errors). */
    private record Step(dnnl_primitive primitive, int[] args, Value[] values, String label) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<Storage> storages = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private final List<INDArray> constants = new ArrayList<>();
    private final List<dnnl_exec_arg_t> execArgs = new ArrayList<>();
    private Value input;
    private List<Value> outputs = List.of();
    private long scratchBytes;
    private String label = "";
    private INDArray boundInput;

    /** A new tensor with its own storage; {@code pinned} storage is zeroed once and never returned to the pool (padding borders, gap columns). */
    Value value(dnnl_memory_desc_t desc, long[] dims, boolean pinned) {
        Storage s = new Storage(Dnnl.bytes(desc), pinned);
        storages.add(s);
        return view(desc, dims, s);
    }

    Value value(dnnl_memory_desc_t desc, long[] dims) {
        return value(desc, dims, false);
    }

    /** Another descriptor over {@code storage} (an in-place result, a reshape or a sub-tensor). */
    Value view(dnnl_memory_desc_t desc, long[] dims, Storage storage) {
        Value v = new Value(desc, dims, storage);
        values.add(v);
        return v;
    }

    /** Memory holding {@code data}'s elements (float32, laid out as {@code desc} says), reordered once into {@code into}. */
    Value constant(INDArray data, dnnl_memory_desc_t desc, dnnl_memory_desc_t into) {
        INDArray src = data;
        INDArray dst = Nd4j.createUninitializedDetached(DataType.FLOAT, Math.max(1, Dnnl.bytes(into) / 4));
        dnnl_memory from = Dnnl.memory(desc, src.data().addressPointer());
        dnnl_memory to = Dnnl.memory(into, dst.data().addressPointer());
        dnnl_primitive r = Dnnl.reorder(desc, into);
        dnnl_exec_arg_t a = new dnnl_exec_arg_t(2);
        a.position(0).arg(DNNL_ARG_FROM).memory(from);
        a.position(1).arg(DNNL_ARG_TO).memory(to);
        Dnnl.check(dnnl_primitive_execute(r, Dnnl.stream(), 2, a.position(0)), "reorder of a constant");
        Dnnl.check(dnnl_stream_wait(Dnnl.stream()), "stream_wait");
        java.lang.ref.Reference.reachabilityFence(src);
        dnnl_primitive_destroy(r);
        dnnl_memory_destroy(from);
        constants.add(dst);
        Value v = new Value(into, null, null);
        v.memory = to;
        values.add(v);
        return v;
    }

    /** Whether {@code v}'s storage may be overwritten by a later step (pinned storage holds zero borders written once). */
    static boolean overwritable(Value v) {
        return v.storage != null && !v.storage.pinned;
    }

    /** A value over {@code array}'s memory (a parameter, a gradient view, a mask), never reassigned. */
    Value bound(dnnl_memory_desc_t desc, long[] dims, INDArray array) {
        Value v = new Value(desc, dims, null);
        v.memory = Dnnl.memory(desc, array.data().addressPointer()); // a view's buffer starts at its offset
        constants.add(array);
        values.add(v);
        return v;
    }

    /** Appends {@code primitive} run with {@code args[i]} bound to {@code vals[i]}. */
    void step(dnnl_primitive primitive, int[] args, Value... vals) {
        steps.add(new Step(primitive, args, vals, label));
        for (Value v : vals) {
            if (v.storage != null) {
                v.storage.first = Math.min(v.storage.first, steps.size() - 1);
                v.storage.last = steps.size() - 1;
            }
        }
    }

    /** Names the steps appended from now on (a vertex, and whether forward or backward) in error messages. */
    void label(String what) {
        label = what;
    }

    void reorderStep(Value from, Value to) {
        step(Dnnl.reorder(from.desc, to.desc), new int[]{DNNL_ARG_FROM, DNNL_ARG_TO}, from, to);
    }

    /** The number of steps labelled {@code what} ({@link #label}). */
    int steps(String what) {
        return (int) steps.stream().filter(s -> s.label.equals(what)).count();
    }

    /** Index of the next step (so that a caller can tell whether a value is read after it). */
    int size() {
        return steps.size();
    }

    void input(Value v) {
        input = v;
    }

    /** Marks the network outputs: their storage is never reused. */
    void outputs(List<Value> vs) {
        outputs = List.copyOf(vs);
    }

    /** Assigns buffers by liveness and binds every step's arguments; call once, after the last step. */
    void allocate() {
        for (Value v : outputs) {
            v.storage.last = Integer.MAX_VALUE;
        }
        TreeMap<Long, List<INDArray>> free = new TreeMap<>();
        List<Storage> byFirst = new ArrayList<>(storages);
        byFirst.removeIf(s -> s == input.storage || s.last < 0);
        byFirst.sort(Comparator.comparingInt(s -> s.first));
        Map<Integer, List<Storage>> endingAt = new TreeMap<>();
        int next = 0;
        for (int i = 0; i < steps.size(); i++) {
            for (; next < byFirst.size() && byFirst.get(next).first == i; next++) {
                Storage s = byFirst.get(next);
                s.buffer = s.pinned ? zeroed(s.bytes) : take(free, s.bytes);
                if (!s.pinned) {
                    endingAt.computeIfAbsent(s.last, k -> new ArrayList<>()).add(s);
                }
            }
            for (Storage s : endingAt.getOrDefault(i, List.of())) {
                free.computeIfAbsent(s.buffer.length() * 4, k -> new ArrayList<>()).add(s.buffer);
            }
        }
        for (Value v : values) {
            if (v.storage == null) {
                continue; // a constant, bound already
            }
            if (v.storage == input.storage) {
                v.memory = Dnnl.memory(v.desc, null);
            } else if (v.storage.buffer != null) {
                v.memory = Dnnl.memory(v.desc, v.storage.buffer.data().addressPointer());
            }
        }
        for (Step s : steps) {
            dnnl_exec_arg_t a = new dnnl_exec_arg_t(s.args.length);
            for (int j = 0; j < s.args.length; j++) {
                a.position(j).arg(s.args[j]).memory(s.values[j].memory);
            }
            execArgs.add(a.position(0));
        }
    }

    private INDArray take(TreeMap<Long, List<INDArray>> free, long bytes) {
        Map.Entry<Long, List<INDArray>> e = free.ceilingEntry(bytes);
        if (e == null) {
            scratchBytes += bytes;
            return Nd4j.createUninitializedDetached(DataType.FLOAT, Math.max(1, (bytes + 3) / 4));
        }
        INDArray b = e.getValue().remove(e.getValue().size() - 1);
        if (e.getValue().isEmpty()) {
            free.remove(e.getKey());
        }
        return b;
    }

    private INDArray zeroed(long bytes) {
        scratchBytes += bytes;
        return Nd4j.createUninitializedDetached(DataType.FLOAT, Math.max(1, (bytes + 3) / 4)).assign(0);
    }

    /** Bytes of activation buffers after reuse (weights not included). */
    long activationBytes() {
        return scratchBytes;
    }

    /** Runs every step on {@code x}'s buffer (a C-order float32 array of the input's shape). */
    void run(INDArray x) {
        bindInput(x);
        run(0, steps.size());
    }

    /** Points the input at {@code x} (C-order float32, the input's shape, not a view), kept referenced until the next call. */
    void bindInput(INDArray x) {
        boundInput = x; // a converted copy must outlive the steps that read it
        for (Value v : values) {
            if (v.storage == input.storage) {
                Dnnl.check(dnnl_memory_set_data_handle(v.memory, x.data().addressPointer()), "memory_set_data_handle");
            }
        }
    }

    /** Runs steps {@code from} (inclusive) to {@code to} (exclusive) and waits for them. */
    void run(int from, int to) {
        for (int i = from; i < to; i++) {
            Step s = steps.get(i);
            Dnnl.check(dnnl_primitive_execute(s.primitive, Dnnl.stream(), s.args.length, execArgs.get(i)),
                    "execute step " + i + " (" + s.label + ")");
        }
        Dnnl.check(dnnl_stream_wait(Dnnl.stream()), "stream_wait");
    }

    /** A copy of output {@code i} after a {@link #run}, shaped as its logical dims. */
    INDArray output(int i) {
        return array(outputs.get(i)).dup();
    }

    /** The buffer of {@code v} (plain layout) as an array of its dims, not a copy; valid after {@link #allocate}. */
    INDArray array(Value v) {
        long n = 1;
        for (long d : v.dims) {
            n *= d;
        }
        return v.storage.buffer.get(NDArrayIndex.interval(0, n)).reshape('c', v.dims);
    }

    @Override
    public void close() {
        Map<dnnl_primitive, Boolean> seen = new IdentityHashMap<>();
        for (Step s : steps) {
            if (seen.put(s.primitive, true) == null) {
                dnnl_primitive_destroy(s.primitive);
            }
        }
        for (Value v : values) {
            if (v.memory != null) {
                dnnl_memory_destroy(v.memory);
            }
        }
        steps.clear();
        values.clear();
        constants.clear();
    }
}
