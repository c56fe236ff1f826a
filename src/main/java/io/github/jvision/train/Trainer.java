package io.github.jvision.train;

import io.github.jvision.Backend;
import io.github.jvision.augment.Augmentations;
import io.github.jvision.augment.Transform;
import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.eval.Evaluator;
import io.github.jvision.eval.Metrics;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ISchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: mini-batch steps, evaluation on the test split after every epoch, a
 * training log ({@code log.jsonl}, one JSON object per epoch), an atomic checkpoint
 * ({@code checkpoint.zip}) after every epoch, and {@code metrics.json} at the end. A run
 * resumes from its checkpoint; a loss that becomes NaN or infinite stops it.
 */
public final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    /** Checkpoint file name inside the output directory. */
    public static final String CHECKPOINT = "checkpoint.zip";

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void epochStart(int epoch, int epochs, int steps) {
        }

        default void step(int step, double loss, double imagesPerSec) {
        }

        default void epochEnd(EpochStats stats, Metrics.Report test, List<EpochStats> history) {
        }
    }

    /**
     * One training run.
     *
     * @param model   registry name
     * @param train   training split
     * @param test    evaluation split
     * @param mean    per-channel normalisation mean
     * @param std     per-channel normalisation standard deviation
     * @param config  training configuration
     * @param out     output directory
     * @param resume  continue from {@code out/checkpoint.zip} if present
     */
    public record Run(String model, ImageDataset train, ImageDataset test, float[] mean, float[] std,
                      TrainConfig config, Path out, boolean resume) {
    }

    /**
     * Outcome of a run.
     *
     * @param checkpoint   the final checkpoint (also on disk)
     * @param test         final test metrics
     * @param trainSeconds training time summed over all epochs (also those before a resume)
     */
    public record Result(Checkpoint checkpoint, Metrics.Report test, double trainSeconds) {
    }

    private Trainer() {
    }

    /**
     * Sets the optimizer, learning-rate schedule, regularisation and seed of {@code config} on every
     * layer of {@code conf}: SGD with Nesterov momentum and L2 (PyTorch {@code SGD(nesterov=True,
     * weight_decay)}), or Adam with decoupled weight decay (AdamW); warm-up then cosine decay.
     */
    public static void configure(ComputationGraphConfiguration conf, TrainConfig c, int stepsPerEpoch) {
        long total = (long) c.epochs() * stepsPerEpoch;
        long warmup = Math.min(total - 1, Math.round(c.warmupEpochs() * stepsPerEpoch));
        ISchedule lr = new WarmupCosineSchedule(c.lr(), warmup, total);
        IUpdater updater = c.optimizer() == TrainConfig.Optimizer.SGD
                ? new Nesterovs(lr, c.momentum()) : new Adam(lr);
        List<Regularization> reg = c.weightDecay() == 0 ? List.of()
                : List.of(c.optimizer() == TrainConfig.Optimizer.SGD
                ? new L2Regularization(c.weightDecay()) : new WeightDecay(c.weightDecay(), true));
        conf.getDefaultConfiguration().setSeed(c.seed());
        for (var v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                lv.getLayerConf().setSeed(c.seed());
                if (lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                    layer.setIUpdater(updater);
                    layer.setBiasUpdater(updater);
                    layer.setRegularization(new ArrayList<>(reg));
                    layer.setRegularizationBias(new ArrayList<>());
                }
            }
        }
    }

    /** @return a freshly initialised network for {@code model}, configured for training */
    public static ComputationGraph newNetwork(String model, ModelOptions options, TrainConfig c, int stepsPerEpoch) {
        Backend.init();
        ComputationGraphConfiguration conf = Models.configure(model, options);
        configure(conf, c, stepsPerEpoch);
        Nd4j.getRandom().setSeed(c.seed());
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Trains, evaluates, logs and checkpoints as described in the class comment. */
    public static Result train(Run run, Listener listener) throws IOException {
        TrainConfig c = run.config();
        ImageDataset train = run.train();
        int steps = (train.size() + c.batchSize() - 1) / c.batchSize();
        Path checkpointFile = run.out().resolve(CHECKPOINT);
        Files.createDirectories(run.out());

        ComputationGraph net;
        List<EpochStats> history = new ArrayList<>();
        ModelOptions options = new ModelOptions(train.classes().size(), train.channels(), train.height(), train.width());
        if (run.resume() && Files.exists(checkpointFile)) {
            Checkpoint cp = Checkpoint.load(checkpointFile);
            if (!cp.meta().model().equals(run.model())) {
                throw new IllegalArgumentException(checkpointFile + " holds " + cp.meta().model() + ", not " + run.model());
            }
            if (!cp.meta().config().equals(c)) {
                log.warn("resuming with the checkpoint's training configuration {}", cp.meta().config());
                c = cp.meta().config();
            }
            net = cp.net();
            history.addAll(cp.meta().history());
            log.info("resuming {} after epoch {}", run.model(), cp.meta().epochs());
        } else {
            net = newNetwork(run.model(), options, c, steps);
        }
        Transform transform = Augmentations.parse(c.augment(), train.height(), train.width());
        Metrics.Report test = null;
        Checkpoint checkpoint = null;
        for (int epoch = history.size(); epoch < c.epochs(); epoch++) {
            listener.epochStart(epoch + 1, c.epochs(), steps);
            double lossSum = 0;
            long start = System.nanoTime();
            var batching = new BatchLoader.Options(c.batchSize(), true, c.seed(), epoch, transform,
                    c.labelSmoothing(), run.mean(), run.std(), c.workers(), false);
            try (BatchLoader batches = new BatchLoader(train, batching)) {
                for (int step = 0; batches.hasNext(); step++) {
                    DataSet batch = batches.next();
                    net.fit(batch);
                    double loss = net.score();
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException("training loss became " + loss + " at epoch " + (epoch + 1)
                                + ", step " + (step + 1) + "; lower the learning rate (--lr " + c.lr() + ")");
                    }
                    lossSum += loss;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    listener.step(step + 1, loss, (double) Math.min((step + 1) * c.batchSize(), train.size()) / seconds);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            net.incrementEpochCount();
            test = Evaluator.evaluate(net, run.test(), run.mean(), run.std(), 256);
            double lr = net.getLayer(0).conf().getLayer() instanceof BaseLayer b
                    ? b.getIUpdater().getLearningRate(net.getIterationCount() - 1, epoch) : Double.NaN;
            EpochStats stats = new EpochStats(epoch + 1, lossSum / steps, test.loss(), test.top1(), test.top5(), lr,
                    seconds, train.size() / seconds);
            history.add(stats);
            checkpoint = new Checkpoint(net, new Checkpoint.Meta(run.model(), options, train.classes(), run.mean(),
                    run.std(), train.name(), c, epoch + 1, List.copyOf(history)));
            checkpoint.save(checkpointFile);
            writeLog(run.out(), history);
            log.info("epoch {}: {}", epoch + 1, stats);
            listener.epochEnd(stats, test, history);
        }
        if (test == null) { // resumed a finished run: evaluate what is there
            test = Evaluator.evaluate(net, run.test(), run.mean(), run.std(), 256);
            checkpoint = Checkpoint.load(checkpointFile);
        }
        double trainSeconds = history.stream().mapToDouble(EpochStats::trainSeconds).sum();
        writeMetrics(run, net, test, history, trainSeconds);
        return new Result(checkpoint, test, trainSeconds);
    }

    private static void writeLog(Path out, List<EpochStats> history) throws IOException {
        StringBuilder s = new StringBuilder();
        for (EpochStats e : history) {
            s.append(Checkpoint.JSON.writeValueAsString(e)).append('\n');
        }
        writeAtomically(out.resolve("log.jsonl"), s.toString());
    }

    private static void writeMetrics(Run run, ComputationGraph net, Metrics.Report test, List<EpochStats> history,
                                     double trainSeconds) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", run.model());
        m.put("dataset", run.train().name());
        m.put("params", Summary.of(run.model(), net.getConfiguration(),
                new ModelOptions(run.train().classes().size(), run.train().channels(), run.train().height(),
                        run.train().width())).params());
        m.put("epochs", history.size());
        m.put("train_seconds", trainSeconds);
        m.put("test_top1", test.top1());
        m.put("test_top5", test.top5());
        m.put("test_loss", test.loss());
        m.put("test_samples", test.samples());
        m.put("classes", test.classes());
        m.put("per_class_accuracy", test.perClassAccuracy());
        m.put("confusion_matrix", test.confusion());
        m.put("config", run.config());
        m.put("backend", Backend.describe());
        writeAtomically(run.out().resolve("metrics.json"),
                Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    /** Writes {@code text} to a temporary file beside {@code file} and renames it over {@code file}. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    static {
        Backend.init();
    }
}
