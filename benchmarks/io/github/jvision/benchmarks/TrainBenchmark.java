package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.onednn.CompiledGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
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
 * One SGD training step (forward, backward, update; the network's default updater) at batch 16,
 * as {@code train} runs it ({@link CompiledGraph#forTraining}), random weights and inputs, for the models of the performance issue. Scores are steps per
 * second: multiply by 16 for images per second. Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main TrainBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx12g")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class TrainBenchmark {
    /** model:channels:size, the models of the performance issue */
    @Param({"resnet18:3:224", "resnet50:3:224", "efficientnet_b0:3:224", "vgg16:3:224", "googlenet:3:224",
            "alexnet:3:224", "resnet20:1:28"})
    public String model;

    private ComputationGraph net;
    private DataSet data;

    @Setup
    public void setup() {
        Backend.init();
        Workload w = Workload.parse(model + ":16");
        net = CompiledGraph.forTraining(Models.create(w.model(), new ModelOptions(1000, w.channels(), w.size())));
        data = new DataSet(w.input(), w.labels(1000));
    }

    @Benchmark
    public double trainStep() {
        net.fit(data);
        return net.score();
    }
}
