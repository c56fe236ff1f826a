package io.github.jvision.train;

import io.github.jvision.data.BatchLoader;
import io.github.jvision.onednn.CompiledGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/** {@link EpochFitter#local()}: one step per batch on this machine, through {@link CompiledGraph} where it runs. */
final class LocalFitter implements EpochFitter {
    static final LocalFitter INSTANCE = new LocalFitter();

    private LocalFitter() {
    }

    @Override
    public ComputationGraph prepare(ComputationGraph net) {
        return CompiledGraph.forTraining(net);
    }

    @Override
    public double fit(ComputationGraph net, Epoch epoch, Trainer.Listener listener) {
        TrainConfig c = epoch.config();
        int images = epoch.train().size();
        double lossSum = 0;
        long start = System.nanoTime();
        try (BatchLoader batches = new BatchLoader(epoch.train(), epoch.batching(c.batchSize(), c.workers()))) {
            for (int step = 0; batches.hasNext(); step++) {
                // DL4J's score adds the L2 / weight-decay term of the parameters it was computed with
                // (those before the step); report the cross-entropy alone
                double regularization = net.calcRegularizationScore(true);
                fit(net, batches.next());
                double loss = net.score() - regularization;
                epoch.checkFinite(loss, "step " + (step + 1));
                lossSum += loss;
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.step(step + 1, loss, Math.min((step + 1) * c.batchSize(), images) / seconds);
            }
        }
        return lossSum / epoch.steps();
    }

    /** One step; auxiliary classifiers train on the batch's labels too ({@link Epoch#labelsPerOutput}). */
    private static void fit(ComputationGraph net, DataSet batch) {
        int outputs = net.getNumOutputArrays();
        if (outputs == 1) {
            net.fit(batch);
        } else {
            net.fit(Epoch.labelsPerOutput(batch, outputs));
        }
    }
}
