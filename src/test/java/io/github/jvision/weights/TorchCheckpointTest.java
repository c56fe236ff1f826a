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
