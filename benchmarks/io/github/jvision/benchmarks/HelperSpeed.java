package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Images per second of inference and of one SGD training step, with DL4J's oneDNN layer
 * helpers on and off, in one JVM (medians of timed repetitions after warm-up). Not JMH: a quick,
 * side-by-side check of what the oneDNN shim buys. Arguments: model:channels:size:batch ...
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.benchmarks.HelperSpeed resnet20:1:28:128 resnet50:3:224:16</pre>
 */
public final class HelperSpeed {
    public static void main(String[] args) {
        Backend.init();
        System.out.println(Backend.describe());
        System.out.println("| model | input | batch | oneDNN helpers | inference img/s | training img/s |");
        System.out.println("|---|---|---:|---|---:|---:|");
        for (String spec : args.length > 0 ? args : new String[]{"resnet20:1:28:128", "resnet50:3:224:16"}) {
            for (boolean helpers : new boolean[]{false, true}) {
                Workload w = Workload.parse(spec);
                int batch = w.batch();
                System.setProperty(Backend.HELPERS_DISABLE, Boolean.toString(!helpers));
                ComputationGraph net = Models.create(w.model(), new ModelOptions(10, w.channels(), w.size()));
                INDArray x = w.input();
                DataSet d = new DataSet(x, w.labels(10));
                double infer = batch / median(() -> net.outputSingle(false, x));
                double train = batch / median(() -> net.fit(d));
                System.out.printf("| %s | %s | %d | %s | %.1f | %.1f |%n", w.model(), w.shape(), batch,
                        helpers ? "on" : "off", infer, train);
            }
        }
        System.setProperty(Backend.HELPERS_DISABLE, "false");
    }

    /** Median seconds of 5 timed runs after 2 warm-up runs. */
    private static double median(Runnable r) {
        return Workload.median(2, 5, () -> { }, r);
    }
}
