package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
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
 * Inference (BN folded into the convolutions, {@link Inference#fuseBatchNorm}) at batch 1 and 16,
 * and one SGD training step at batch 16, random weights and inputs, for the models of the
 * performance issue. Scores are operations per second: for {@code inference}, batches of
 * {@code batch} images; for {@code trainStep}, batches of 16 (multiply by 16 for images per second).
 * Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main ModelBenchmark</pre>
 * {@code benchmarks/compare} gives the same measurements side by side with PyTorch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g", "-Dorg.eclipse.deeplearning4j.helpers.disable=false"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ModelBenchmark {
    /** Images per training step. */
    private static final int TRAIN_BATCH = 16;

    /** model:channels:size */
    @Param({"resnet18:3:224", "resnet50:3:224", "efficientnet_b0:3:224", "vgg16:3:224", "googlenet:3:224",
            "alexnet:3:224", "resnet20:1:28"})
    public String model;

    /** Images per inference batch. */
    @Param({"1", "16"})
    public int batch;

    private ComputationGraph net;
    private ComputationGraph folded;
    private INDArray x;
    private DataSet data;

    @Setup
    public void setup() {
        Backend.init();
        Workload w = Workload.parse(model + ":" + batch);
        net = Models.create(w.model(), new ModelOptions(10, w.channels(), w.size()));
        folded = Inference.fuseBatchNorm(net);
        x = w.input();
        INDArray y = Nd4j.zeros(DataType.FLOAT, TRAIN_BATCH, 10);
        for (int i = 0; i < TRAIN_BATCH; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        data = new DataSet(Nd4j.rand(DataType.FLOAT, TRAIN_BATCH, w.channels(), w.size(), w.size()), y);
    }

    @Benchmark
    public INDArray inference() {
        return folded.outputSingle(false, x);
    }

    @Benchmark
    public double trainStep() {
        net.fit(data);
        return net.score();
    }
}
