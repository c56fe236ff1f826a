package io.github.jvision.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IdxTest {
    @TempDir
    Path dir;

    /** A rank-3 unsigned-byte IDX file, as the MNIST format describes it. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsRawAndGzip() throws Exception {
        byte[] data = {0, 1, 2, (byte) 255, 4, 5, 6, 7, 8, 9, 10, 11};
        byte[] file = idx(new int[]{2, 2, 3}, data);
        for (Path p : new Path[]{write("raw", file), write("x.gz", gzip(file)), write("gz-without-suffix", gzip(file))}) {
            Idx.Array a = Idx.read(p);
            assertArrayEquals(new int[]{2, 2, 3}, a.dims());
            assertArrayEquals(data, a.data());
            assertEquals(255, a.get(3));
        }
    }

    @Test
    void rejectsBadMagic() throws Exception {
        byte[] file = idx(new int[]{1}, new byte[]{1});
        file[1] = 1;
        var e = assertThrows(DatasetException.class, () -> Idx.read(write("bad", file)));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void rejectsOtherElementTypes() throws Exception {
        byte[] file = idx(new int[]{1}, new byte[]{1, 2, 3, 4});
        file[2] = 0x0D; // float
        var e = assertThrows(DatasetException.class, () -> Idx.read(write("float", file)));
        assertTrue(e.getMessage().contains("0xd not supported"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndTrailingData() throws Exception {
        byte[] file = idx(new int[]{10, 28, 28}, new byte[10 * 28 * 28]);
        var e = assertThrows(DatasetException.class, () -> Idx.read(write("short", Arrays.copyOf(file, file.length - 1))));
        assertTrue(e.getMessage().contains("needs 7856 bytes; file has 7855 (truncated)"), e.getMessage());
        var t = assertThrows(DatasetException.class, () -> Idx.read(write("long", Arrays.copyOf(file, file.length + 3))));
        assertTrue(t.getMessage().contains("trailing data"), t.getMessage());
        var h = assertThrows(DatasetException.class, () -> Idx.read(write("header", Arrays.copyOf(file, 9))));
        assertTrue(h.getMessage().contains("header truncated"), h.getMessage());
    }

    @Test
    void rejectsTruncatedGzip() throws Exception {
        byte[] gz = gzip(idx(new int[]{100}, new byte[100]));
        var e = assertThrows(DatasetException.class, () -> Idx.read(write("cut.gz", Arrays.copyOf(gz, gz.length / 2))));
        assertTrue(e.getMessage().contains("corrupt or truncated gzip"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        var e = assertThrows(DatasetException.class, () -> Idx.read(dir.resolve("nope")));
        assertTrue(e.getMessage().endsWith("nope: no such file"), e.getMessage());
    }
}
