package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.onednn.CompiledGraph;
import io.github.jvision.onednn.CompiledModel;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What a steady-state step allocates, after three warm-up steps: the change in the number of
 * native objects JavaCPP holds (ND4J's arrays, views and op-argument buffers are such objects;
 * ones the garbage collector frees meanwhile are not counted, and their sizes are not all known
 * to JavaCPP, so none are given) and the Java heap bytes the calling thread allocated, for a compiled training step as {@code train} runs it ({@code fit}: the
 * compiled gradient, then DL4J's updater), the compiled gradient alone, and a compiled inference
 * batch. Arguments: model:channels:size:batch. Not JMH: counts, not times.
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.benchmarks.Allocations resnet18:3:224:16</pre>
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        Backend.init();
        Workload w = Workload.parse(args[0]);
        ComputationGraph net = CompiledGraph.forTraining(Models.create(w.model(), new ModelOptions(1000, w.channels(), w.size())));
        DataSet data = new DataSet(w.input(), w.labels(1000));
        measure("training step (fit)", () -> net.fit(data));
        net.setInputs(data.getFeatures());
        net.setLabels(data.getLabels());
        measure("compiled gradient (computeGradientAndScore)", net::computeGradientAndScore);
        try (CompiledModel m = CompiledModel.compile(net)) {
            INDArray x = w.input();
            measure("inference batch (CompiledModel.output)", () -> m.output(x));
        }
    }

    private static void measure(String what, Runnable step) {
        for (int i = 0; i < 3; i++) {
            step.run();
        }
        long thread = Thread.currentThread().getId();
        long pointers = Pointer.totalCount();
        long heap = THREADS.getThreadAllocatedBytes(thread);
        step.run();
        System.out.printf(Locale.ROOT, "%s: %+d native objects held, %d heap bytes allocated%n",
                what, Pointer.totalCount() - pointers, THREADS.getThreadAllocatedBytes(thread) - heap);
    }
}
