package io.github.jvision.spark;

import io.github.jvision.onednn.CompiledGraph;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J's parameter averaging, one round at a time as {@link SparkFitter} forms them, with the
 * workers' steps compiled ({@link CompiledGraph}) where compiled training runs. A worker's
 * compiled network outlives the round: it goes back to a pool of its executor JVM and a later
 * round's worker loads the averaged parameters, updater state and counts into it, so the oneDNN
 * programs are built once per concurrently running task rather than once per round. Elsewhere
 * (no oneDNN, a layer without a compiled step, e.g. a frozen one) the workers run DL4J's step, as
 * DL4J's own master does.
 */
final class CompiledAveraging extends ParameterAveragingTrainingMaster {

    /** DL4J's default: a tree of depth 2 sums the workers' parameters. */
    private static final int AGGREGATION_DEPTH = 2;
    /** The round's state as broadcast to its workers, freed when the round ends. */
    private transient Broadcast<NetBroadcastTuple> broadcast;

    /**
     * @param workers            Spark task slots
     * @param batchSize          images per worker step
     * @param averagingFrequency worker steps between averagings
     * @param hook               runs around every worker step
     */
    CompiledAveraging(int workers, int batchSize, int averagingFrequency, TrainingHook hook) {
        super(true, // average the updater state (momentum) too, not only the parameters
                workers, batchSize, batchSize, averagingFrequency, AGGREGATION_DEPTH,
                0, // no prefetching: the batches are built where they are trained on
                Repartition.Never, // a round's batches come partitioned, one partition per worker
                RepartitionStrategy.Balanced, null /* nothing cached: a round is used once */, false);
        this.rddTrainingApproach = RDDTrainingApproach.Direct; // no export of the batches to disk
        addHook(hook);
    }

    /**
     * One averaging round: each partition of {@code batches} is one worker's steps (in order),
     * from {@code net}'s current state; then {@code net} holds the average of the workers'
     * parameters and updater states, and its iteration count has advanced by the averaging
     * frequency.
     *
     * @param round  1-based, for the log
     * @param rounds rounds in the epoch, for the log
     */
    void round(SparkComputationGraph net, JavaRDD<MultiDataSet> batches, int round, int rounds) {
        try {
            doIteration(net, batches, round, rounds);
        } finally {
            if (broadcast != null) {
                broadcast.destroy();
                broadcast = null;
            }
        }
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph net = graph.getNetwork();
        broadcast = graph.getSparkContext().broadcast(new NetBroadcastTuple(
                net.getConfiguration(), net.params(), net.getUpdater().getStateViewArray()));
        var configuration = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                averagingFrequency, prefetchNumBatches, collectTrainingStats);
        return new Worker(broadcast, configuration, List.copyOf(trainingHookList));
    }

    /** A worker whose network comes from, and returns to, its executor's pool of compiled networks. */
    static final class Worker extends ParameterAveragingTrainingWorker {
        /** Idle compiled networks of this executor, by architecture (the configuration without its counts). */
        private static final Map<String, Deque<CompiledGraph>> POOL = new HashMap<>();
        private final Broadcast<NetBroadcastTuple> broadcast;

        Worker(Broadcast<NetBroadcastTuple> broadcast, WorkerConfiguration configuration, List<TrainingHook> hooks) {
            super(broadcast, true, configuration, hooks, null, null);
            this.broadcast = broadcast;
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            NetBroadcastTuple tuple = broadcast.getValue();
            ComputationGraphConfiguration conf = tuple.getGraphConfiguration();
            CompiledGraph pooled = take(architecture(conf));
            if (pooled == null) {
                return CompiledGraph.forTraining(super.getInitialModelGraph());
            }
            pooled.setParams(tuple.getParameters());
            if (tuple.getUpdaterState() != null) {
                pooled.getUpdater().setStateViewArray(tuple.getUpdaterState());
            }
            pooled.getConfiguration().setIterationCount(conf.getIterationCount());
            pooled.getConfiguration().setEpochCount(conf.getEpochCount());
            return pooled;
        }

        /**
         * The round's result, with copies of the parameters and updater state, since the network
         * goes back to the pool for the next round.
         */
        @Override
        public ParameterAveragingTrainingResult getFinalResult(ComputationGraph network) {
            ParameterAveragingTrainingResult r = super.getFinalResult(network);
            INDArray state = r.getUpdaterState();
            var copy = new ParameterAveragingTrainingResult(r.getParameters().dup(), state == null ? null : state.dup(),
                    r.getScore(), null, null, null);
            if (network instanceof CompiledGraph compiled) {
                give(architecture(compiled.getConfiguration()), compiled);
            }
            return copy;
        }

        private static String architecture(ComputationGraphConfiguration conf) {
            ComputationGraphConfiguration c = conf.clone();
            c.setIterationCount(0);
            c.setEpochCount(0);
            return c.toJson();
        }

        private static synchronized CompiledGraph take(String architecture) {
            Deque<CompiledGraph> idle = POOL.get(architecture);
            return idle == null ? null : idle.poll();
        }

        private static synchronized void give(String architecture, CompiledGraph net) {
            POOL.computeIfAbsent(architecture, a -> new ArrayDeque<>()).push(net);
        }

        /** Frees this JVM's idle compiled networks (local mode: the executors are the driver's JVM). */
        static synchronized void releasePool() {
            POOL.values().forEach(idle -> idle.forEach(CompiledGraph::close));
            POOL.clear();
        }
    }
}
