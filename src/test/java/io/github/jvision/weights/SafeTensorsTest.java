package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The safetensors format, from hand-built files (the format's specification) and round trips. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file of the given header and data bytes, laid out as the format specifies. */
    private Path file(String header, byte... data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] le(int bytes, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytes * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytes) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void readsHandBuiltFile() throws IOException {
        // F32 [2, 1] = {1.0, -2.5} (bit patterns 0x3F800000, 0xC0200000), then I64 scalar 7,
        // F16 [2] = {1.0, -2.0} (0x3C00, 0xC000), BF16 [1] = {1.0} (0x3F80)
        byte[] data = concat(le(4, 0x3F800000L, 0xC0200000L), le(8, 7), le(2, 0x3C00, 0xC000), le(2, 0x3F80));
        Path f = file("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[20,22]}}", data);
        StateDict sd = SafeTensors.read(f);
        assertEquals(Map.of("format", "pt"), sd.metadata());
        assertArrayEquals(new long[]{2, 1}, sd.tensors().get("w").shape());
        assertArrayEquals(new float[]{1.0f, -2.5f}, sd.tensors().get("w").toFloatVector());
        assertEquals(DataType.LONG, sd.tensors().get("n").dataType());
        assertEquals(0, sd.tensors().get("n").rank());
        assertEquals(7L, sd.tensors().get("n").getLong(0));
        assertArrayEquals(new float[]{1.0f, -2.0f}, sd.tensors().get("h").toFloatVector());
        assertArrayEquals(new float[]{1.0f}, sd.tensors().get("b").toFloatVector());
    }

    @Test
    void halfPrecisionEdgeCases() {
        // IEEE binary16: smallest subnormal 2^-24, largest normal 65504, infinity, negative zero
        assertEquals(0x1p-24f, DType.halfToFloat((short) 0x0001));
        assertEquals(65504f, DType.halfToFloat((short) 0x7BFF));
        assertEquals(Float.POSITIVE_INFINITY, DType.halfToFloat((short) 0x7C00));
        assertEquals(-0.0f, DType.halfToFloat((short) 0x8000));
        assertEquals(0.333251953125f, DType.halfToFloat((short) 0x3555));
    }

    @Test
    void roundTripKeepsValuesTypesShapesAndOrder() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("z.weight", Nd4j.rand(DataType.FLOAT, 3, 2, 5));
        t.put("a.running_var", Nd4j.rand(DataType.DOUBLE, 4));
        t.put("a.num_batches_tracked", Nd4j.scalar(12L));
        t.put("idx", Nd4j.createFromArray(1, -2, 3));
        t.put("mask", Nd4j.createFromArray(true, false));
        t.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
        Path f = dir.resolve("rt.safetensors");
        SafeTensors.write(f, new StateDict(t, Map.of("source", "jvision")));
        StateDict back = SafeTensors.read(f);
        assertEquals(t.keySet().stream().toList(), back.tensors().keySet().stream().toList());
        t.forEach((k, v) -> assertEquals(v, back.tensors().get(k), k));
        assertEquals("jvision", back.metadata().get("source"));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data area aligned to 8 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad JSON|{\"w\":{\"dtype\":\"F32\",|header is not valid JSON",
        "unknown dtype|{\"w\":{\"dtype\":\"F8\",\"shape\":[2],\"data_offsets\":[0,8]}}|unknown dtype",
        "wrong size for dtype|{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}|needs 16 bytes",
        "offsets out of range|{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}|truncated",
        "overlapping|{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|overlap",
        "gap|{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|belong to no tensor",
        "negative dimension|{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|not a non-negative integer",
        "reversed offsets|{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}|begin <= end",
        "not an object|[1, 2]|not a JSON object",
        "metadata not strings|{\"__metadata__\":{\"n\":1}}|expected a string",
    })
    void malformedHeadersAreRefused(String what, String header, String message) throws IOException {
        Path f = file(header, new byte[8]);
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void truncatedAndOversizedHeadersAreRefused() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[]{1, 2, 3});
        assertTrue(assertThrows(WeightsFormatException.class, () -> SafeTensors.read(f)).getMessage()
                .contains("truncated: 3 bytes"));
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Files.write(f, b.array());
        assertTrue(assertThrows(WeightsFormatException.class, () -> SafeTensors.read(f)).getMessage()
                .contains("header length 1099511627776 is outside"));
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).putLong(0);
        Files.write(f, b.array());
        assertTrue(assertThrows(WeightsFormatException.class, () -> SafeTensors.read(f)).getMessage()
                .contains("the header needs 100 bytes, but only 8 follow"));
        Path missing = dir.resolve("missing.safetensors");
        assertThrows(NoSuchFileException.class, () -> SafeTensors.read(missing));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
