package io.github.jvision.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element types of weight files, named as safetensors names them, with the torch storage class of
 * each. Values are little-endian in both formats. Half-precision floats (F16, BF16) are widened to
 * float32 when read, since jvision's models hold float32.
 */
enum DType {
    F64(8, "DoubleStorage", DataType.DOUBLE),
    F32(4, "FloatStorage", DataType.FLOAT),
    F16(2, "HalfStorage", DataType.FLOAT),
    BF16(2, "BFloat16Storage", DataType.FLOAT),
    I64(8, "LongStorage", DataType.LONG),
    I32(4, "IntStorage", DataType.INT),
    I16(2, "ShortStorage", DataType.SHORT),
    I8(1, "CharStorage", DataType.BYTE),
    U8(1, "ByteStorage", DataType.UBYTE),
    BOOL(1, "BoolStorage", DataType.BOOL);

    final int size;
    final String torchStorage;
    final DataType nd4j;

    DType(int size, String torchStorage, DataType nd4j) {
        this.size = size;
        this.torchStorage = torchStorage;
        this.nd4j = nd4j;
    }

    /** @return the type named {@code name} in a safetensors header, or null */
    static DType bySafetensorsName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst().orElse(null);
    }

    /** @return the type of torch's storage class {@code name} (e.g. FloatStorage), or null */
    static DType byTorchStorage(String name) {
        return Arrays.stream(values()).filter(d -> d.torchStorage.equals(name)).findFirst().orElse(null);
    }

    /** @return the type that stores an array of {@code type} without loss */
    static DType of(DataType type) {
        return switch (type) {
            case DOUBLE -> F64;
            case FLOAT -> F32;
            case LONG -> I64;
            case INT -> I32;
            case SHORT -> I16;
            case BYTE -> I8;
            case UBYTE -> U8;
            case BOOL -> BOOL;
            default -> throw new IllegalArgumentException("cannot store " + type + " arrays; cast to float32 first");
        };
    }

    /**
     * Reads {@code count} little-endian values from {@code bytes} (positioned at the first) into a
     * 1-D array.
     */
    INDArray decode(ByteBuffer bytes, int count) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).limit(count * size);
        return switch (this) {
            case F64 -> {
                double[] a = new double[count];
                b.asDoubleBuffer().get(a);
                yield Nd4j.createFromArray(a);
            }
            case F32 -> {
                float[] a = new float[count];
                b.asFloatBuffer().get(a);
                yield Nd4j.createFromArray(a);
            }
            case F16, BF16 -> {
                float[] a = new float[count];
                for (int i = 0; i < count; i++) {
                    short h = b.getShort(i * 2);
                    a[i] = this == BF16 ? Float.intBitsToFloat(h << 16) : halfToFloat(h);
                }
                yield Nd4j.createFromArray(a);
            }
            case I64 -> {
                long[] a = new long[count];
                b.asLongBuffer().get(a);
                yield Nd4j.createFromArray(a);
            }
            case I32 -> {
                int[] a = new int[count];
                b.asIntBuffer().get(a);
                yield Nd4j.createFromArray(a);
            }
            case I16 -> {
                short[] a = new short[count];
                b.asShortBuffer().get(a);
                yield Nd4j.createFromArray(a);
            }
            case I8, U8, BOOL -> {
                byte[] a = new byte[count];
                b.get(a);
                yield Nd4j.createFromArray(a).castTo(nd4j);
            }
        };
    }

    /** Writes the values of {@code a} (any layout, read in C order) little-endian into {@code out}. */
    void encode(INDArray a, ByteBuffer out) {
        // the long[] overload: reshape('c', n) would pick reshape(long rows, long cols)
        INDArray c = a.dup('c').reshape('c', new long[]{a.length()});
        ByteBuffer b = out.order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F64 -> b.asDoubleBuffer().put(c.toDoubleVector());
            case F32 -> b.asFloatBuffer().put(c.toFloatVector());
            case I64 -> b.asLongBuffer().put(c.toLongVector());
            case I32 -> b.asIntBuffer().put(c.toIntVector());
            case I16 -> {
                for (int v : c.toIntVector()) {
                    b.putShort((short) v);
                }
            }
            case I8, U8, BOOL -> {
                for (int v : c.castTo(DataType.INT).toIntVector()) {
                    b.put((byte) v);
                }
            }
            default -> throw new IllegalStateException(this + " is read-only");
        }
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived in Java 20). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal (or zero): mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
