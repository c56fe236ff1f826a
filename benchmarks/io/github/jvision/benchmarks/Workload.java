package io.github.jvision.benchmarks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A model and the input it is timed on, written {@code model:channels:size:batch} on the command
 * line of the quick (non-JMH) benchmarks, and the timing they share.
 */
record Workload(String model, int channels, int size, int batch) {
    /** @return the workload of {@code resnet50:3:224:16} */
    static Workload parse(String spec) {
        String[] m = spec.split(":");
        if (m.length != 4) {
            throw new IllegalArgumentException("expected model:channels:size:batch, e.g. resnet50:3:224:16; got " + spec);
        }
        return new Workload(m[0], Integer.parseInt(m[1]), Integer.parseInt(m[2]), Integer.parseInt(m[3]));
    }

    /** @return random inputs {@code [batch, channels, size, size]} float32 */
    INDArray input() {
        return Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
    }

    /** @return one-hot labels {@code [batch, classes]} float32, sample i of class {@code i % classes} */
    INDArray labels(int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        return y;
    }

    /** @return e.g. {@code 3x224x224} */
    String shape() {
        return channels + "x" + size + "x" + size;
    }

    /** Median seconds of {@code runs} timed runs of {@code r} after {@code warmup} runs, each after an untimed {@code setup}. */
    static double median(int warmup, int runs, Runnable setup, Runnable r) {
        for (int i = 0; i < warmup; i++) {
            setup.run();
            r.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            setup.run();
            t[i] = seconds(r);
        }
        return median(t);
    }

    /** @return seconds one run of {@code r} takes */
    static double seconds(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** @return the median of {@code t} */
    static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
