package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.eval.Predictor;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Inference as {@code predict} and {@code eval} run it ({@link Predictor}: compiled on oneDNN where
 * it can run, else the DL4J network) at batch 1 and 16, random weights and inputs, for the models of the performance issue; {@link TrainBenchmark}
 * times training. Scores are batches per second: multiply by {@code batch} for images per second.
 * Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main ModelBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx12g")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ModelBenchmark {
    /** model:channels:size, the models of the performance issue */
    @Param({"resnet18:3:224", "resnet50:3:224", "efficientnet_b0:3:224", "vgg16:3:224", "googlenet:3:224",
            "alexnet:3:224", "resnet20:1:28"})
    public String model;

    /** Images per batch. */
    @Param({"1", "16"})
    public int batch;

    private Predictor predictor;
    private INDArray x;

    @Setup
    public void setup() {
        Backend.init();
        Workload w = Workload.parse(model + ":" + batch);
        predictor = Predictor.of(Models.create(w.model(), new ModelOptions(1000, w.channels(), w.size())));
        x = w.input();
    }

    @Benchmark
    public INDArray inference() {
        return predictor.probabilities(x);
    }
}
