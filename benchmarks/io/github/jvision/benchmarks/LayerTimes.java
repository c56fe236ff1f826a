package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where inference time goes: every vertex of a model run on its own, on the inputs a full forward
 * pass gave it (median of 5 runs after one warm-up), summed by kind (layer class, and kernel for
 * convolutions), against the time of the whole forward pass. Each vertex runs in a reused
 * workspace, as in the network. Arguments: model:channels:size:batch
 * [fused]. Not JMH: a profile to decide what to speed up first.
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.benchmarks.LayerTimes resnet50:3:224:16 fused</pre>
 */
public final class LayerTimes {
    /**
     * A workspace reused from run to run, as the graph's own: fresh off-heap memory for every
     * output would be charged its page faults (about 3 ms per MB here), which made large outputs
     * look several times slower than they are inside the network.
     */
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();

    public static void main(String[] args) {
        Backend.init();
        Workload w = Workload.parse(args[0]);
        ComputationGraph net = Models.create(w.model(), new ModelOptions(1000, w.channels(), w.size()));
        if (args.length > 1 && args[1].equals("fused")) {
            net = Inference.fuseBatchNorm(net);
        }
        INDArray x = w.input();
        ComputationGraph model = net;
        double whole = median(() -> { }, () -> model.outputSingle(false, x));
        Map<String, INDArray> acts = net.feedForward(new INDArray[]{x}, false);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder().defaultWorkspace("LAYER_TIMES", WORKSPACE).build();
        Map<String, Double> byKind = new TreeMap<>();
        Map<String, Double> byVertex = new LinkedHashMap<>();
        for (GraphVertex v : net.getVertices()) {
            List<String> inputs = net.getConfiguration().getVertexInputs().get(v.getVertexName());
            if (inputs == null) {
                continue; // the network input
            }
            // fresh copies of the inputs before each run (a layer may work in place), not timed
            double t = median(() -> {
                for (int i = 0; i < inputs.size(); i++) {
                    v.setInput(i, acts.get(inputs.get(i)).dup(), mgr);
                }
            }, () -> {
                try (MemoryWorkspace ws = mgr.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
                    v.doForward(false, mgr);
                }
            });
            byVertex.put(v.getVertexName(), t);
            byKind.merge(kind(v), t, Double::sum);
        }
        double sum = byKind.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("%s, batch %d: whole forward %.1f ms, vertices one by one %.1f ms (%d vertices)%n",
                String.join(" ", args), w.batch(), 1e3 * whole, 1e3 * sum, byVertex.size());
        System.out.println("| kind | ms | share |");
        System.out.println("|---|---:|---:|");
        byKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf("| %s | %.1f | %.1f%% |%n", e.getKey(), 1e3 * e.getValue(),
                        100 * e.getValue() / sum));
        System.out.println("slowest vertices:");
        byVertex.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.out.printf("  %-28s %7.2f ms%n", e.getKey(), 1e3 * e.getValue()));
    }

    /** Layer class, with kernel and stride for convolutions; the vertex class otherwise. */
    private static String kind(GraphVertex v) {
        if (!v.hasLayer()) {
            return v.getClass().getSimpleName();
        }
        var conf = v.getLayer().conf().getLayer();
        if (conf instanceof ConvolutionLayer cl) {
            return conf.getClass().getSimpleName() + " " + cl.getKernelSize()[0] + "x" + cl.getKernelSize()[1]
                    + "/" + cl.getStride()[0];
        }
        return conf.getClass().getSimpleName();
    }

    /** Median seconds of 5 timed runs of {@code r} after one warm-up run, each after an untimed {@code setup}. */
    private static double median(Runnable setup, Runnable r) {
        return Workload.median(1, 5, setup, r);
    }
}
