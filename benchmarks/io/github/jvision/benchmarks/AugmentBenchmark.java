package io.github.jvision.benchmarks;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.augment.RandomResizedCrop;
import io.github.jvision.augment.Transform;
import io.github.jvision.image.Image;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The ImageNet training pipeline of torchvision's recipes on one core: RandomResizedCrop to 224,
 * horizontal flip and a policy, on a 3x375x500 image (a typical ImageNet photograph's size).
 * Scores are images per second per core (one thread). Run (see benchmarks/README.md):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) org.openjdk.jmh.Main AugmentBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class AugmentBenchmark {
    /** The policy after crop and flip, as train --augment. */
    @Param({"none", "rand-m9-n2", "trivialaugment", "autoaugment"})
    public String policy;

    private Transform pipeline;
    private Image image;
    private SplittableRandom rng;

    @Setup
    public void setup() {
        rng = new SplittableRandom(1);
        float[] px = new float[3 * 375 * 500];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextInt(256) / 255f;
        }
        image = new Image(px, 3, 375, 500);
        pipeline = Transform.compose(List.of(new RandomResizedCrop(224, 224),
                Augmentations.parse("flip+" + policy, 224, 224)));
    }

    @Benchmark
    public Image pipeline() {
        return pipeline.apply(image, rng);
    }
}
