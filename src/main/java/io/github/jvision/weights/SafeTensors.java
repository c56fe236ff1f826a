package io.github.jvision.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jvision.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length {@code n}, a
 * UTF-8 JSON header of {@code n} bytes mapping each tensor name to its {@code dtype},
 * {@code shape} and {@code data_offsets [begin, end)} (relative to the end of the header), an
 * optional {@code __metadata__} object of strings, then the raw little-endian tensor bytes.
 *
 * <p>Reading checks everything against the file before it reads a tensor: the header size
 * (at most {@value #MAX_HEADER} bytes, as the reference implementation), the JSON, known dtypes,
 * non-negative shapes, that each byte range has exactly the size its dtype and shape need, and
 * that the ranges tile the data area without overlap, gap or overrun.
 */
public final class SafeTensors {
    /** The reference implementation's bound on the header size: 100 MB. */
    public static final long MAX_HEADER = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    /**
     * @return the file's tensors (floating types as float32, see {@link DType}) in header order,
     *         and its metadata
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws WeightsFormatException           if the file is not well-formed safetensors
     */
    public static StateDict read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "truncated: " + size + " bytes; expected at least 8 (the header length)");
            }
            long n = ByteBuffer.wrap(readFully(ch, 0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > MAX_HEADER) {
                throw bad(file, "header length " + Long.toUnsignedString(n) + " is outside [2, " + MAX_HEADER + "]");
            }
            if (8 + n > size) {
                throw bad(file, "truncated: the header needs " + n + " bytes, but only " + (size - 8) + " follow");
            }
            JsonNode header;
            try {
                header = JSON.readTree(readFully(ch, 8, (int) n));
            } catch (JsonProcessingException e) {
                throw bad(file, "header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw bad(file, "header is not a JSON object");
            }
            Map<String, String> metadata = metadata(file, header.get(METADATA));
            List<Entry> entries = entries(file, header);
            checkTiling(file, entries, size - 8 - n);
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer bytes = ch.map(FileChannel.MapMode.READ_ONLY, 8 + n + e.begin, e.end - e.begin);
                tensors.put(e.name, e.dtype.decode(bytes, (int) numel(e.shape)).reshape('c', e.shape));
            }
            return new StateDict(tensors, metadata);
        }
    }

    /**
     * Writes {@code weights} atomically, in their map order, with 8-byte alignment of the data
     * area. Arrays of type float32, float64, int64, int32, int16, int8, uint8 and bool are
     * written as themselves.
     *
     * @throws IllegalArgumentException for an array type safetensors cannot hold here
     */
    public static void write(Path file, StateDict weights) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!weights.metadata().isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            weights.metadata().forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> t : weights.tensors().entrySet()) {
            DType d = DType.of(t.getValue().dataType());
            long bytes = t.getValue().length() * d.size;
            ObjectNode o = header.putObject(t.getKey());
            o.put("dtype", d.name());
            Arrays.stream(t.getValue().shape()).forEach(o.putArray("shape")::add);
            o.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(head.flip());
                for (INDArray a : weights.tensors().values()) {
                    DType d = DType.of(a.dataType());
                    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(a.length() * d.size));
                    d.encode(a, buf);
                    ch.write(buf.rewind());
                }
            }
        });
    }

    private static Map<String, String> metadata(Path file, JsonNode meta) throws WeightsFormatException {
        Map<String, String> out = new LinkedHashMap<>();
        if (meta == null) {
            return out;
        }
        if (!meta.isObject()) {
            throw bad(file, METADATA + " is not an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw bad(file, METADATA + "." + f.getKey() + " is " + f.getValue().getNodeType() + "; expected a string");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static List<Entry> entries(Path file, JsonNode header) throws WeightsFormatException {
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals(METADATA)) {
                entries.add(entry(file, f.getKey(), f.getValue()));
            }
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonNode t) throws WeightsFormatException {
        String where = "tensor '" + name + "'";
        if (!t.isObject() || !t.path("dtype").isTextual() || !t.path("shape").isArray()
                || !t.path("data_offsets").isArray() || t.path("data_offsets").size() != 2) {
            throw bad(file, where + ": expected {\"dtype\": str, \"shape\": [int...], \"data_offsets\": [begin, end]}; got " + t);
        }
        DType dtype = DType.bySafetensorsName(t.get("dtype").asText());
        if (dtype == null) {
            throw bad(file, where + ": unknown dtype " + t.get("dtype") + "; expected one of " + Arrays.toString(DType.values()));
        }
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = t.get("shape").get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(file, where + ": shape " + t.get("shape") + " has a dimension that is not a non-negative integer");
            }
            shape[i] = d.asLong();
        }
        JsonNode b = t.get("data_offsets").get(0);
        JsonNode e = t.get("data_offsets").get(1);
        if (!b.isIntegralNumber() || !e.isIntegralNumber() || !b.canConvertToLong() || !e.canConvertToLong()
                || b.asLong() < 0 || e.asLong() < b.asLong()) {
            throw bad(file, where + ": data_offsets " + t.get("data_offsets") + " are not 0 <= begin <= end");
        }
        long elements;
        try {
            elements = numel(shape);
        } catch (ArithmeticException overflow) {
            throw bad(file, where + ": shape " + t.get("shape") + " has more elements than a long holds");
        }
        if (elements > Integer.MAX_VALUE || e.asLong() - b.asLong() != elements * dtype.size) {
            throw bad(file, where + ": " + dtype + " " + Arrays.toString(shape) + " needs " + elements * dtype.size
                    + " bytes; data_offsets " + t.get("data_offsets") + " give " + (e.asLong() - b.asLong()));
        }
        return new Entry(name, dtype, shape, b.asLong(), e.asLong());
    }

    /** The byte ranges must cover [0, dataSize) exactly once, as the reference reader requires. */
    private static void checkTiling(Path file, List<Entry> entries, long dataSize) throws WeightsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < at) {
                throw bad(file, "tensors '" + previous.name + "' (bytes " + previous.begin + ".." + previous.end
                        + ") and '" + e.name + "' (bytes " + e.begin + ".." + e.end + ") overlap");
            }
            if (e.begin > at) {
                throw bad(file, "bytes " + at + ".." + e.begin + " of the data belong to no tensor");
            }
            at = e.end;
            previous = e;
        }
        if (at > dataSize) {
            throw bad(file, "truncated: tensor '" + previous.name + "' ends at byte " + at + " of the data, but the file holds "
                    + dataSize + " data bytes");
        }
        if (at < dataSize) {
            throw bad(file, "the file holds " + dataSize + " data bytes, but the tensors end at byte " + at);
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static byte[] readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new java.io.EOFException();
            }
        }
        return b.array();
    }

    private static WeightsFormatException bad(Path file, String what) {
        return new WeightsFormatException(file + ": not a valid safetensors file: " + what);
    }
}
