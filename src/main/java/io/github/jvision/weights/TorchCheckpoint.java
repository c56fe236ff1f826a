package io.github.jvision.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads PyTorch checkpoints in {@code torch.save}'s zip format (PyTorch 1.6 and later; the
 * {@code .pth}/{@code .pt}/{@code .bin} files of torchvision and timm): {@code ARCHIVE/data.pkl}
 * is a pickle whose tensors point at raw little-endian storages {@code ARCHIVE/data/KEY}.
 *
 * <p>The pickle is read by Pyrolite's unpickler restricted, in the spirit of torch's
 * {@code weights_only=True}, to an allowlist of globals: {@code collections.OrderedDict}, the
 * tensor and parameter rebuild functions of {@code torch._utils}, and torch's typed storage
 * classes. Any other global, and the opcodes that instantiate arbitrary classes, are refused with
 * an error naming them; nothing from the file is ever executed or instantiated by name.
 */
public final class TorchCheckpoint {
    /** Largest data.pkl whose size the zip does not declare: a state dict's pickle is kilobytes. */
    private static final long MAX_PICKLE = 256L << 20;

    private TorchCheckpoint() {
    }

    /**
     * @return the state dict in the file: its top-level dict of tensors, or the one under
     *         {@code state_dict} or {@code model} (training checkpoints); entries that are not
     *         tensors are left out
     * @throws NoSuchFileException    if the file does not exist
     * @throws WeightsFormatException if the file is not a zip checkpoint, its pickle is malformed or
     *                                names a forbidden global, or a storage is missing or short
     */
    public static StateDict read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                    .findFirst().orElseThrow(() -> bad(file, "no data.pkl in the archive; is this a torch.save file?"));
            String archive = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(archive + "byteorder");
            if (order != null) {
                try (InputStream in = zip.getInputStream(order)) {
                    String o = new String(in.readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII).strip();
                    if (!o.equals("little")) {
                        throw bad(file, "storages are " + o + "-endian; only little-endian files are read");
                    }
                }
            }
            Object root;
            try (InputStream in = zip.getInputStream(pkl)) {
                long limit = pkl.getSize() >= 0 ? pkl.getSize() : MAX_PICKLE;
                root = new RestrictedUnpickler(file, zip, archive, limit).load(new PushbackInputStream(in, 8));
            } catch (UncheckedWeightsException e) {
                throw e.getCause();
            } catch (IOException | RuntimeException e) {
                throw bad(file, "malformed pickle: " + e);
            }
            return new StateDict(stateDict(file, root));
        } catch (ZipException e) {
            throw bad(file, "not a zip archive (" + e.getMessage() + "); jvision reads torch.save's zip format of "
                    + "PyTorch 1.6 and later; re-save older files with torch.save(state_dict, path)");
        }
    }

    private static Map<String, INDArray> stateDict(Path file, Object root) throws WeightsFormatException {
        if (root instanceof Map<?, ?> m) {
            for (String key : List.of("state_dict", "model")) {
                if (m.get(key) instanceof Map<?, ?> inner) {
                    return tensors(inner);
                }
            }
            Map<String, INDArray> t = tensors(m);
            if (!t.isEmpty()) {
                return t;
            }
            throw bad(file, "no tensors found; top-level keys: " + m.keySet());
        }
        throw bad(file, "expected a dict of tensors (a state_dict); found " + describe(root));
    }

    private static Map<String, INDArray> tensors(Map<?, ?> m) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k instanceof String key && v instanceof INDArray a) {
                out.put(key, a);
            }
        });
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static WeightsFormatException bad(Path file, String what) {
        return new WeightsFormatException(file + ": not a readable PyTorch checkpoint: " + what);
    }

    /** Carries a checked exception out of Pyrolite's callbacks. */
    private static final class UncheckedWeightsException extends RuntimeException {
        UncheckedWeightsException(WeightsFormatException cause) {
            super(cause);
        }

        @Override
        public synchronized WeightsFormatException getCause() {
            return (WeightsFormatException) super.getCause();
        }
    }

    /** A torch storage class named in a persistent id: a type tag, never called. */
    private record StorageType(DType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a storage class is not callable");
        }
    }

    /** A dict ({@code collections.OrderedDict}); its attributes ({@code _metadata}, set by BUILD) are ignored. */
    private static final class PyDict extends LinkedHashMap<Object, Object> {
    }

    private static final class RestrictedUnpickler extends Unpickler {
        private final long limit;
        private final Path file;
        private final ZipFile zip;
        private final String archive;
        private final Map<String, INDArray> storages = new HashMap<>();
        private final Map<String, IObjectConstructor> allowed = new HashMap<>();

        RestrictedUnpickler(Path file, ZipFile zip, String archive, long limit) {
            this.limit = limit;
            this.file = file;
            this.zip = zip;
            this.archive = archive;
            allowed.put("collections.OrderedDict", args -> new PyDict());
            allowed.put("torch._utils._rebuild_tensor_v2", this::rebuildTensor);
            allowed.put("torch._utils._rebuild_parameter", args -> args[0]);
            for (DType d : DType.values()) {
                allowed.put("torch." + d.torchStorage, new StorageType(d));
            }
        }

        @Override
        protected Object dispatch(short key) throws IOException {
            switch (key) {
                case Opcodes.GLOBAL -> {
                    String module = PickleUtils.readline(input);
                    String name = PickleUtils.readline(input);
                    stack.add(resolve(module, name));
                }
                case Opcodes.STACK_GLOBAL -> {
                    Object name = stack.pop();
                    Object module = stack.pop();
                    stack.add(resolve(String.valueOf(module), String.valueOf(name)));
                }
                case Opcodes.INST, Opcodes.OBJ, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> throw new UncheckedWeightsException(bad(file,
                        "the pickle uses opcode " + key + ", which instantiates arbitrary objects; refused"));
                case Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.LONG4 -> {
                    checkLength(key, 4);
                    return super.dispatch(key);
                }
                case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                    checkLength(key, 8);
                    return super.dispatch(key);
                }
                case Opcodes.BUILD -> {
                    Object state = stack.pop();
                    if (!(stack.peek() instanceof PyDict)) {
                        throw new UncheckedWeightsException(bad(file, "the pickle sets the state of "
                                + describe(stack.peek()) + "; only dicts may carry state; refused"));
                    }
                }
                default -> {
                    return super.dispatch(key);
                }
            }
            return NO_RETURN_VALUE;
        }

        /**
         * Peeks at the length an opcode states and refuses one longer than the whole pickle, before
         * Pyrolite allocates it.
         */
        private void checkLength(short key, int bytes) throws IOException {
            byte[] b = input.readNBytes(bytes);
            ((PushbackInputStream) input).unread(b);
            if (b.length < bytes) {
                return; // Pyrolite reports the truncation
            }
            long n = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
            if (bytes == 8) {
                n = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
            }
            if (n < 0 || n > limit) {
                throw new UncheckedWeightsException(bad(file, "opcode " + key + " states a length of "
                        + Long.toUnsignedString(n) + " bytes in a pickle of " + limit));
            }
        }

        private IObjectConstructor resolve(String module, String name) {
            IObjectConstructor c = allowed.get(module + "." + name);
            if (c == null) {
                throw new UncheckedWeightsException(bad(file, "the pickle names the global " + module + "." + name
                        + ", which is not on the allowlist (OrderedDict, torch tensor/parameter rebuild functions, "
                        + "typed storages); refused, as torch.load(weights_only=True) would"));
            }
            return c;
        }

        /** ("storage", storage class, key, location, numel) -> the storage as a 1-D array. */
        @Override
        protected Object persistentLoad(Object pid) {
            if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                    || !(t[1] instanceof StorageType type) || !(t[4] instanceof Number numel)) {
                throw new UncheckedWeightsException(bad(file, "unexpected persistent id "
                        + (pid instanceof Object[] a ? Arrays.toString(a) : describe(pid))));
            }
            String key = String.valueOf(t[2]);
            return storages.computeIfAbsent(key, k -> readStorage(k, type.dtype(), numel.longValue()));
        }

        private INDArray readStorage(String key, DType dtype, long numel) {
            ZipEntry e = zip.getEntry(archive + "data/" + key);
            if (e == null) {
                throw new UncheckedWeightsException(bad(file, "storage " + key + " is missing from the archive"));
            }
            if (numel < 0 || numel > (Integer.MAX_VALUE - 8) / dtype.size || e.getSize() != numel * dtype.size) {
                throw new UncheckedWeightsException(bad(file, "storage " + key + " holds " + e.getSize()
                        + " bytes; " + numel + " " + dtype + " values need " + numel * dtype.size
                        + " (at most 2 GB per storage)"));
            }
            int need = (int) numel * dtype.size;
            try (InputStream in = zip.getInputStream(e)) {
                byte[] bytes = in.readNBytes(need);
                if (bytes.length != need || in.read() != -1) {
                    throw new UncheckedWeightsException(bad(file, "storage " + key + " does not hold the "
                            + need + " bytes its zip entry declares"));
                }
                return dtype.decode(ByteBuffer.wrap(bytes), (int) numel);
            } catch (IOException ex) {
                throw new UncheckedWeightsException(new WeightsFormatException(file + ": storage " + key
                        + " cannot be read: " + ex.getMessage(), ex));
            }
        }

        /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]). */
        private Object rebuildTensor(Object[] args) {
            INDArray storage = (INDArray) args[0];
            long offset = ((Number) args[1]).longValue();
            long[] size = longs((Object[]) args[2]);
            long[] stride = longs((Object[]) args[3]);
            if (size.length != stride.length || offset < 0 || Arrays.stream(size).anyMatch(v -> v < 0)
                    || Arrays.stream(stride).anyMatch(v -> v < 0)) {
                throw new UncheckedWeightsException(bad(file, "a tensor has size " + Arrays.toString(size) + ", stride "
                        + Arrays.toString(stride) + ", offset " + offset + "; expected non-negative values of equal rank"));
            }
            boolean empty = Arrays.stream(size).anyMatch(v -> v == 0);
            long last = offset;
            for (int i = 0; i < size.length && !empty; i++) {
                last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            if (!empty && last >= storage.length()) {
                throw new UncheckedWeightsException(bad(file, "a tensor of size " + Arrays.toString(size) + ", stride "
                        + Arrays.toString(stride) + " at offset " + offset + " reaches past its storage of "
                        + storage.length() + " values"));
            }
            if (size.length == 0) {
                return storage.getScalar(offset).dup();
            }
            return Nd4j.create(storage.data(), size, stride, offset, 'c').dup('c');
        }

        private static long[] longs(Object[] values) {
            return Arrays.stream(values).mapToLong(v -> ((Number) v).longValue()).toArray();
        }
    }
}
