package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
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
 * Inference and one training step (SGD) per batch, random weights and inputs. Scores are batches
 * per second; multiply by {@code batch} for images per second. Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main ModelBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Dorg.eclipse.deeplearning4j.helpers.disable=false"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ModelBenchmark {
    /** model:channels:size */
    @Param({"resnet20:1:28", "resnet18:3:224", "resnet50:3:224"})
    public String model;

    @Param({"16"})
    public int batch;

    private ComputationGraph net;
    private INDArray x;
    private DataSet data;

    @Setup
    public void setup() {
        Backend.init();
        String[] m = model.split(":");
        int c = Integer.parseInt(m[1]);
        int size = Integer.parseInt(m[2]);
        net = Models.create(m[0], new ModelOptions(10, c, size));
        x = Nd4j.rand(DataType.FLOAT, batch, c, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        data = new DataSet(x, y);
    }

    @Benchmark
    public INDArray inference() {
        return net.outputSingle(false, x);
    }

    @Benchmark
    public double trainStep() {
        net.fit(data);
        return net.score();
    }
}
