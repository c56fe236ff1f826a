package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * Inference images per second of a model as built and with batch normalisation folded into its
 * convolutions ({@link Inference#fuseBatchNorm}), timed alternately in one JVM so that both see the
 * same machine state (medians of 7 runs each after 2 warm-up runs). Arguments: model:channels:size:batch ...
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.benchmarks.FusedSpeed resnet18:3:224:16 resnet50:3:224:16</pre>
 */
public final class FusedSpeed {
    public static void main(String[] args) {
        Backend.init();
        System.out.println(Backend.describe());
        System.out.println("| model | input | batch | layers (as built -> fused) | inference img/s as built | fused | speed-up |");
        System.out.println("|---|---|---:|---|---:|---:|---:|");
        for (String spec : args) {
            Workload w = Workload.parse(spec);
            int batch = w.batch();
            ComputationGraph net = Models.create(w.model(), new ModelOptions(1000, w.channels(), w.size()));
            ComputationGraph fused = Inference.fuseBatchNorm(net);
            INDArray x = w.input();
            for (int i = 0; i < 2; i++) {
                net.outputSingle(false, x);
                fused.outputSingle(false, x);
            }
            double[] a = new double[7];
            double[] b = new double[7];
            for (int i = 0; i < a.length; i++) {
                a[i] = Workload.seconds(() -> net.outputSingle(false, x));
                b[i] = Workload.seconds(() -> fused.outputSingle(false, x));
            }
            double built = batch / Workload.median(a);
            double folded = batch / Workload.median(b);
            System.out.printf("| %s | %s | %d | %d -> %d | %.1f | %.1f | %.2fx |%n", w.model(), w.shape(), batch,
                    net.getLayers().length, fused.getLayers().length, built, folded, folded / built);
        }
    }
}
