package io.github.jvision.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * How the training steps of an epoch run: on this machine ({@link #local()}) or data-parallel
 * on a cluster ({@code io.github.jvision.spark.SparkFitter}). Everything else about a run
 * (evaluation, log, checkpoints, resumption, plots) is {@link Trainer}'s and the same for all.
 */
public interface EpochFitter {

    /**
     * Checks that this fitter can run the steps {@code config} asks for, before any training (a
     * resumed run checks its checkpoint's configuration).
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    default void check(TrainConfig config) {
    }

    /** The network the steps train: {@code net} itself, or an equivalent that trains faster here. */
    ComputationGraph prepare(ComputationGraph net);

    /**
     * Trains {@code net} (as {@link #prepare} returned it) in place for one pass over the
     * training set, advancing its iteration count by {@code epoch.steps()} (the learning-rate
     * schedule counts those) and leaving its epoch count to the caller; reports progress to
     * {@code listener}.
     *
     * @return the mean training loss over the epoch's steps, cross-entropy without the
     *         regularisation term
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     * @throws IllegalStateException     if the steps fail to run (e.g. a cluster's job fails)
     */
    double fit(ComputationGraph net, Epoch epoch, Trainer.Listener listener);

    /** Steps on this machine, one per batch of a {@link io.github.jvision.data.BatchLoader}, compiled where possible. */
    static EpochFitter local() {
        return LocalFitter.INSTANCE;
    }
}
