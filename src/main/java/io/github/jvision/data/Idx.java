package io.github.jvision.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the IDX format of LeCun et al.'s MNIST distribution (also used by Fashion-MNIST):
 * a big-endian header {@code 0x00 0x00 type ndims}, {@code ndims} 32-bit sizes, then the data.
 * Only unsigned bytes (type {@code 0x08}) are supported, which is what image and label files
 * hold. Files may be gzip-compressed (detected by content, not by name).
 */
public final class Idx {
    private static final int UNSIGNED_BYTE = 0x08;
    /** Refuse absurd headers before allocating: 2^31 - 1 bytes is Java's array limit. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims sizes, outermost first (e.g. {@code [60000, 28, 28]})
     * @param data the values in row-major order, as unsigned bytes
     */
    public record Array(int[] dims, byte[] data) {
        /** @return the value at flat index {@code i}, 0..255 */
        public int get(int i) {
            return data[i] & 0xff;
        }
    }

    /**
     * Reads and validates an IDX file.
     *
     * @throws DatasetException if the file is missing, not IDX, of another element type, or its
     *                          length disagrees with its header (truncated or with trailing data)
     */
    public static Array read(Path file) throws DatasetException {
        byte[] bytes;
        try {
            bytes = decompressed(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file");
        } catch (EOFException | ZipException e) {
            throw new DatasetException(file + ": corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e + ")", e);
        }
        return parse(file.toString(), bytes);
    }

    /** Parses IDX content; {@code source} names it in error messages. */
    public static Array parse(String source, byte[] bytes) throws DatasetException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
            throw new DatasetException(source + ": not an IDX file (expected magic 0x0000 followed by type and rank; got "
                    + hex(bytes, 4) + ")");
        }
        int type = bytes[2] & 0xff;
        int rank = bytes[3] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DatasetException(source + ": IDX element type 0x" + Integer.toHexString(type)
                    + " not supported (expected 0x08, unsigned byte)");
        }
        if (rank < 1 || bytes.length < 4 + 4L * rank) {
            throw new DatasetException(source + ": IDX header truncated or rank " + rank + " invalid");
        }
        b.position(4);
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getInt();
            if (dims[i] < 0) {
                throw new DatasetException(source + ": negative size " + dims[i] + " in dimension " + i);
            }
            count *= dims[i];
            if (count > MAX_ELEMENTS) {
                throw new DatasetException(source + ": header claims " + Arrays.toString(dims) + ", too large");
            }
        }
        long expected = 4 + 4L * rank + count;
        if (bytes.length != expected) {
            throw new DatasetException(source + ": header " + Arrays.toString(dims) + " needs " + expected
                    + " bytes; file has " + bytes.length + (bytes.length < expected ? " (truncated)" : " (trailing data)"));
        }
        return new Array(dims, Arrays.copyOfRange(bytes, b.position(), bytes.length));
    }

    static byte[] decompressed(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder("0x");
        for (int i = 0; i < Math.min(n, bytes.length); i++) {
            s.append(String.format("%02x", bytes[i] & 0xff));
        }
        return s.toString();
    }
}
