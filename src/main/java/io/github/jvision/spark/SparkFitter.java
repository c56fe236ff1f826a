package io.github.jvision.spark;

import io.github.jvision.Backend;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.train.Epoch;
import io.github.jvision.train.EpochFitter;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs each epoch's steps data-parallel on Spark with DL4J's parameter averaging (Zinkevich et
 * al. 2010, "Parallelized Stochastic Gradient Descent"): in each round every worker (a Spark task
 * slot) takes {@code averagingFrequency} steps of {@code batchSize / workers} images from the
 * driver's state, then the driver averages the workers' parameters (batch-norm running
 * statistics included) and updater states and starts the next round. The workers' steps run
 * compiled where they can ({@link io.github.jvision.onednn.CompiledGraph}), as on one machine.
 *
 * <p>With averaging after every step and SGD, a round equals one step of the whole batch: the
 * update is linear in the gradient, so the average of the workers' updates from one state is the
 * update with the mean of their gradients. Batch-norm statistics are the workers' own (as in
 * PyTorch's DistributedDataParallel without SyncBatchNorm). The learning-rate schedule advances by
 * {@code epoch.steps()} per epoch, as on one machine. (AdamW's update is not linear in the
 * gradient: there averaging is an approximation even at frequency 1.)
 *
 * <p>The training split is broadcast to the executors once; each builds its batches itself, with
 * the order and augmentation the single-machine run draws ((seed, epoch, index); {@link Epoch}),
 * except that MixUp / CutMix mix within a worker's batch. Evaluation, logs and checkpoints stay on
 * the driver ({@link Trainer}).
 */
public final class SparkFitter implements EpochFitter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SparkFitter.class);
    /** What Spark needs of {@code java.base} on Java 17 (as spark-submit passes it). */
    public static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
            + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
            + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED";
    private final JavaSparkContext sc;
    private final boolean owned;
    private final int averagingFrequency;
    private final int workers;
    private final int threadsPerWorker;
    private ImageDataset broadcastOf;
    private Broadcast<ImageDataset> broadcast;

    /**
     * @param sc                 the Spark context to train on (left open by {@link #close()})
     * @param averagingFrequency steps each worker takes between averagings, at least 1
     * @throws IllegalArgumentException if {@code averagingFrequency < 1}
     */
    public SparkFitter(JavaSparkContext sc, int averagingFrequency) {
        this(sc, false, averagingFrequency);
    }

    private SparkFitter(JavaSparkContext sc, boolean owned, int averagingFrequency) {
        this.sc = sc;
        this.owned = owned;
        this.averagingFrequency = checkFrequency(averagingFrequency);
        this.workers = sc.defaultParallelism();
        this.threadsPerWorker = sc.getConf().getInt("spark.task.cpus", 1);
    }

    /**
     * Starts a Spark application for training and a fitter on it; {@link #close()} stops it.
     *
     * @param master             Spark master URL ({@code local[2]}, {@code spark://host:7077},
     *                           {@code yarn}), or null for the one spark-submit configured
     * @param appName            the application's name in Spark's UI
     * @param averagingFrequency steps each worker takes between averagings
     * @throws IllegalArgumentException if no master is given or configured, Spark does not start
     *                                  with it (the message says why), {@code averagingFrequency < 1},
     *                                  or on Java 17+ without the {@code --add-opens} flags Spark needs
     */
    public static SparkFitter start(String master, String appName, int averagingFrequency) {
        checkFrequency(averagingFrequency);
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        }
        if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("no Spark master: give one (--spark local[2], --spark spark://HOST:7077)"
                    + " or run through spark-submit --master");
        }
        if (conf.get("spark.master").startsWith("local") && !conf.contains("spark.ui.enabled")) {
            conf.set("spark.ui.enabled", "false");
        }
        // executors on other machines load ND4J before any jvision code runs: select the oneDNN build
        // (the one the library ships; Backend.init() does the same in this JVM)
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains(Backend.PLATFORM_EXTENSION)) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " -D" + Backend.PLATFORM_EXTENSION
                    + "=-onednn -D" + Backend.HELPERS_DISABLE + "=false").strip());
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (IllegalAccessError | java.lang.reflect.InaccessibleObjectException e) {
            throw new IllegalArgumentException("Spark needs the JVM flags " + ADD_OPENS + " on Java 17 and later "
                    + "(spark-submit and the jvision launcher add them): " + e.getMessage(), e);
        } catch (Exception e) { // SparkException, which Scala throws undeclared
            throw new IllegalArgumentException("Spark did not start with master '" + conf.get("spark.master") + "': "
                    + e.getMessage(), e);
        }
        try {
            return new SparkFitter(sc, true, averagingFrequency);
        } catch (RuntimeException e) {
            sc.stop();
            throw e;
        }
    }

    private static int checkFrequency(int averagingFrequency) {
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("the averaging frequency must be at least 1 step; got "
                    + averagingFrequency);
        }
        return averagingFrequency;
    }

    /**
     * Spark's task slots, each a worker of the averaging: {@code spark.default.parallelism} if set
     * (on a cluster, set it to executors x cores: executors that register after the application
     * starts are not counted otherwise), else the cores Spark has.
     */
    public int workers() {
        return workers;
    }

    /** The driver's network trains through DL4J's updater; the steps run on the workers. */
    @Override
    public ComputationGraph prepare(ComputationGraph net) {
        return net;
    }

    /**
     * @throws IllegalArgumentException if the batch size is not a multiple of {@link #workers()}
     */
    @Override
    public void check(TrainConfig config) {
        if (config.batchSize() % workers != 0) {
            throw new IllegalArgumentException("the batch size (" + config.batchSize() + ") must be a multiple of the "
                    + workers + " Spark workers, each of which takes an equal share of a step's batch");
        }
    }

    /**
     * Trains in rounds of {@link #workers()} x {@code averagingFrequency} worker batches of
     * {@code batchSize / workers} images, taken in the epoch's order (shuffled by (seed, epoch)):
     * each worker gets {@code averagingFrequency} consecutive ones; the last round may be smaller.
     *
     * @throws IllegalArgumentException  if the batch size is not a multiple of {@link #workers()}
     * @throws TrainingDivergedException if a round's loss is NaN or infinite
     * @throws IllegalStateException     if a Spark job fails (the message gives Spark's reason)
     */
    @Override
    public double fit(ComputationGraph net, Epoch epoch, Trainer.Listener listener) {
        check(epoch.config());
        int perWorker = epoch.config().batchSize() / workers;
        int images = epoch.train().size();
        int batches = (images + perWorker - 1) / perWorker;
        int perRound = workers * averagingFrequency;
        int rounds = (batches + perRound - 1) / perRound;
        var build = new EpochBatches(broadcast(epoch.train()), epoch.config(), epoch.mean(), epoch.std(), epoch.index(),
                perWorker, net.getNumOutputArrays());
        WorkerHook hook = new WorkerHook(threadsPerWorker, sc.sc().doubleAccumulator("loss"),
                sc.sc().longAccumulator("steps"));
        var master = new CompiledAveraging(workers, perWorker, averagingFrequency, hook);
        var spark = new SparkComputationGraph(sc, net, master);
        int iterations = net.getIterationCount();
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            List<Integer> ids = IntStream.range(r * perRound, Math.min(batches, (r + 1) * perRound)).boxed().toList();
            int parts = (ids.size() + averagingFrequency - 1) / averagingFrequency; // a worker's steps each
            JavaRDD<MultiDataSet> data = sc.parallelize(ids, parts).mapPartitions(build);
            try {
                master.round(spark, data, r + 1, rounds);
            } catch (Exception e) { // SparkException, which Scala throws undeclared
                throw new IllegalStateException("Spark training failed at epoch " + (epoch.index() + 1) + ", round "
                        + (r + 1) + " of " + rounds + ": " + e.getMessage(), e);
            }
            epoch.checkFinite(hook.meanLoss(), "averaging round " + (r + 1));
            int done = Math.min(images, (r + 1) * perRound * perWorker);
            listener.step(Math.min(epoch.steps(), (r + 1) * averagingFrequency), hook.meanLoss(),
                    done / ((System.nanoTime() - start) / 1e9));
        }
        // each round advanced the count by the averaging frequency; a short last round takes fewer steps
        net.getConfiguration().setIterationCount(iterations + epoch.steps());
        log.debug("epoch {}: {} worker steps of {} images in {} rounds on {} workers, {} s", epoch.index() + 1,
                hook.steps(), perWorker, rounds, workers, (System.nanoTime() - start) / 1e9);
        return hook.meanLoss();
    }

    /** The training split on the executors, broadcast once per run. */
    private Broadcast<ImageDataset> broadcast(ImageDataset train) {
        if (broadcastOf != train) {
            if (broadcast != null) {
                broadcast.destroy();
            }
            broadcast = sc.broadcast(train);
            broadcastOf = train;
        }
        return broadcast;
    }

    /**
     * Frees the broadcast data and this JVM's idle compiled worker networks; stops the Spark
     * application if {@link #start} started it.
     */
    @Override
    public void close() {
        if (broadcast != null) {
            broadcast.destroy();
            broadcast = null;
            broadcastOf = null;
        }
        if (owned) {
            sc.stop();
        }
        CompiledAveraging.Worker.releasePool();
    }
}
