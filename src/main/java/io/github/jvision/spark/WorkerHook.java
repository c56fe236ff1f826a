package io.github.jvision.spark;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Runs around every step on the executors: sets the step's native threads to the task's CPUs
 * ({@code spark.task.cpus}), so that concurrent tasks of one executor don't oversubscribe its
 * cores, and adds the step's loss (the cross-entropy without the regularisation term, as
 * {@link io.github.jvision.train.Trainer} reports it) to accumulators the driver reads.
 */
final class WorkerHook implements TrainingHook {
    private final int threads;
    private final DoubleAccumulator lossSum;
    private final LongAccumulator steps;
    private transient double regularization;

    WorkerHook(int threads, DoubleAccumulator lossSum, LongAccumulator steps) {
        this.threads = threads;
        this.lossSum = lossSum;
        this.steps = steps;
    }

    /** Worker steps taken so far. */
    long steps() {
        return steps.value();
    }

    /** The mean loss of the steps seen so far, NaN before any. */
    double meanLoss() {
        return steps.value() == 0 ? Double.NaN : lossSum.value() / steps.value();
    }

    @Override
    public void preUpdate(MultiDataSet batch, Model model) {
        // OpenMP's thread count is per calling thread: this task's steps only
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        regularization = ((ComputationGraph) model).calcRegularizationScore(true);
    }

    @Override
    public void postUpdate(MultiDataSet batch, Model model) {
        lossSum.add(model.score() - regularization);
        steps.add(1);
    }

    @Override
    public void preUpdate(DataSet batch, Model model) {
        throw new UnsupportedOperationException("jvision trains graphs on MultiDataSets");
    }

    @Override
    public void postUpdate(DataSet batch, Model model) {
        throw new UnsupportedOperationException("jvision trains graphs on MultiDataSets");
    }
}
