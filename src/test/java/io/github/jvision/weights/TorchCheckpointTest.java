package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The torch.save reader on files written by torch itself (src/test/python/make_weight_fixtures.py),
 * with values known by construction, and on files it must refuse.
 */
class TorchCheckpointTest {
    static final Path DIR = TorchvisionWeightsParityTest.DIR;

    @TempDir
    Path tmp;

    @Test
    void readsViewsScalarsHalfAndParameters() throws IOException {
        StateDict sd = TorchCheckpoint.read(DIR.resolve("edge.pth"));
        // arange(6).reshape(2, 3).t(): shape [3, 2], strides (1, 3)
        assertArrayEquals(new long[]{3, 2}, sd.tensors().get("transposed").shape());
        assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, sd.tensors().get("transposed").ravel().toFloatVector());
        // base[3:7]: offset 3 into the storage shared with "base"
        assertArrayEquals(new float[]{3, 4, 5, 6}, sd.tensors().get("slice").toFloatVector());
        assertEquals(10, sd.tensors().get("base").length());
        assertEquals(DataType.LONG, sd.tensors().get("count").dataType());
        assertEquals(0, sd.tensors().get("count").rank());
        assertEquals(7L, sd.tensors().get("count").getLong(0));
        assertArrayEquals(new float[]{1, -2, 0.5f}, sd.tensors().get("half").toFloatVector());
        assertArrayEquals(new float[]{1.5f, 1.5f}, sd.tensors().get("param").toFloatVector());
    }

    @Test
    void findsTheStateDictInsideATrainingCheckpoint() throws IOException {
        StateDict sd = TorchCheckpoint.read(DIR.resolve("checkpoint.pth"));
        assertEquals(List.of("fc.bias"), List.copyOf(sd.tensors().keySet()));
        assertArrayEquals(new float[]{0.25f, -1}, sd.tensors().get("fc.bias").toFloatVector());
    }

    @Test
    void refusesGlobalsOutsideTheAllowlist() {
        WeightsFormatException e = assertThrows(WeightsFormatException.class,
                () -> TorchCheckpoint.read(DIR.resolve("namespace.pth")));
        assertTrue(e.getMessage().contains("argparse.Namespace"), e.getMessage());
        e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(DIR.resolve("system.pth")));
        assertTrue(e.getMessage().contains("posix.system") && e.getMessage().contains("not on the allowlist"),
                e.getMessage());
    }

    @Test
    void refusesInstantiatingOpcodes() throws IOException {
        // protocol 0: INST "os\nsystem\n" with a mark and one argument
        Path f = zip("archive/data.pkl", "(S'echo hi'\nios\nsystem\n.".getBytes());
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("instantiates arbitrary objects"), e.getMessage());
    }

    @Test
    void statedLengthsLongerThanThePickleAreRefusedBeforeAllocation() throws IOException {
        // BINBYTES8 stating 2^40 bytes, and BINUNICODE stating 2^31 - 1, in 12- and 8-byte pickles
        Path f = zip("archive/data.pkl", new byte[]{(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, '.'});
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("states a length of 1099511627776 bytes"), e.getMessage());
        Path g = zip("archive/data.pkl", new byte[]{(byte) 0x80, 2, 'X', -1, -1, -1, 0x7f, '.'});
        e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(g));
        assertTrue(e.getMessage().contains("states a length of 2147483647 bytes"), e.getMessage());
    }

    @Test
    void otherFilesGiveTypedErrors() throws IOException {
        Path legacy = tmp.resolve("legacy.pth");
        Files.write(legacy, new byte[]{(byte) 0x80, 0x02, (byte) 0x8a, 0x0a}); // pre-1.6 torch.save starts with a pickle
        assertTrue(assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(legacy)).getMessage()
                .contains("not a zip archive"));
        Path noPickle = zip("archive/other.txt", new byte[]{1});
        assertTrue(assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(noPickle)).getMessage()
                .contains("no data.pkl"));
        Path truncated = zip("archive/data.pkl", new byte[]{(byte) 0x80, 0x02, '}'});
        assertTrue(assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(truncated)).getMessage()
                .contains("malformed pickle"));
        assertThrows(NoSuchFileException.class, () -> TorchCheckpoint.read(tmp.resolve("missing.pth")));
    }

    @Test
    void aStorageShorterThanItsTensorIsRefused() throws IOException {
        Path f = tmp.resolve("short.pth");
        try (var in = new java.util.zip.ZipFile(DIR.resolve("checkpoint.pth").toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(f))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(e.getName().contains("/data/") ? java.util.Arrays.copyOf(bytes, 4) : bytes);
            }
        }
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("holds 4 bytes; 2 F32 values need 8"), e.getMessage());
    }

    /**
     * A hand-assembled pickle (protocol 2) of {"t": _rebuild_tensor_v2(storage of 4 floats, offset,
     * (3,), (stride,), False, OrderedDict())}, with its storage: the allowlist passes it, the
     * bounds must not.
     */
    private Path tensorPickle(int offset, int stride) throws IOException {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.writeBytes(new byte[]{(byte) 0x80, 2, '}'});
        p.writeBytes(unicode("t"));
        p.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n(".getBytes());
        p.writeBytes("(".getBytes());
        p.writeBytes(unicode("storage"));
        p.writeBytes("ctorch\nFloatStorage\n".getBytes());
        p.writeBytes(unicode("0"));
        p.writeBytes(unicode("cpu"));
        p.writeBytes(new byte[]{'K', 4, 't', 'Q'});
        p.writeBytes(new byte[]{'J', (byte) offset, (byte) (offset >> 8), (byte) (offset >> 16), (byte) (offset >> 24)});
        p.writeBytes(new byte[]{'(', 'K', 3, 't', '('});
        p.writeBytes(new byte[]{'J', (byte) stride, (byte) (stride >> 8), (byte) (stride >> 16), (byte) (stride >> 24)});
        p.writeBytes(new byte[]{'t', (byte) 0x89});
        p.writeBytes("ccollections\nOrderedDict\n)R".getBytes());
        p.writeBytes(new byte[]{'t', 'R', 's', '.'});
        Path f = tmp.resolve("t.pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(p.toByteArray());
            z.putNextEntry(new ZipEntry("archive/data/0"));
            z.write(new byte[16]);
        }
        return f;
    }

    private static byte[] unicode(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(5 + b.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return out.put((byte) 'X').putInt(b.length).put(b).array();
    }

    @Test
    void tensorsMustStayInsideTheirStorage() throws IOException {
        assertArrayEquals(new float[]{0, 0, 0}, TorchCheckpoint.read(tensorPickle(1, 1)).tensors().get("t").toFloatVector(),
                "the hand-made pickle itself is valid");
        for (int[] bad : new int[][]{{2, 1}, {0, -1}, {3, 0x40000000}, {-1, 1}}) {
            Path f = tensorPickle(bad[0], bad[1]);
            WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> TorchCheckpoint.read(f),
                    "offset " + bad[0] + ", stride " + bad[1]);
            assertTrue(e.getMessage().contains("storage") || e.getMessage().contains("non-negative"), e.getMessage());
        }
    }

    private Path zip(String entry, byte[] content) throws IOException {
        Path f = tmp.resolve("t.pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry(entry));
            OutputStream o = z;
            o.write(content);
        }
        return f;
    }
}
