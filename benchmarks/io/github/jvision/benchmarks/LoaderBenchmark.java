package io.github.jvision.benchmarks;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.DatasetException;
import io.github.jvision.data.FashionMnist;
import io.github.jvision.data.ImageDataset;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Data loading as training does it: Fashion-MNIST training images (28x28, 1 channel) batched by
 * {@link BatchLoader} on worker threads, shuffled, augmented ({@code train --augment}) and
 * normalised into {@code [128, 1, 28, 28]} float32 batches. Scores are images per second. Needs
 * the Debian package dataset-fashion-mnist (or {@code JVISION_DATA}). Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main LoaderBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class LoaderBenchmark {
    private static final int BATCH = 128;

    /** The augmentation spec, as train --augment. */
    @Param({"none", "crop-flip", "crop-flip+trivialaugment"})
    public String augment;

    /** Loader threads. */
    @Param({"1", "2"})
    public int workers;

    private ImageDataset train;
    private BatchLoader loader;
    private int epoch;

    @Setup
    public void load() throws DatasetException {
        train = FashionMnist.load(FashionMnist.Locator.standard(null)).train();
    }

    @Setup(Level.Iteration)
    public void startEpoch() {
        float[] mean = {(float) FashionMnist.MEAN};
        float[] std = {(float) FashionMnist.STD};
        loader = new BatchLoader(train, new BatchLoader.Options(BATCH, true, 1, epoch++,
                Augmentations.parse(augment, 28, 28), 0, mean, std, workers, true));
    }

    @TearDown(Level.Iteration)
    public void endEpoch() {
        loader.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public DataSet batch() {
        if (!loader.hasNext()) { // an epoch is 468 batches; start the next
            endEpoch();
            startEpoch();
        }
        return loader.next();
    }
}
