package io.github.jvision.train;

import io.github.jvision.AtomicFiles;
import io.github.jvision.Backend;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.eval.Evaluator;
import io.github.jvision.eval.Metrics;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import io.github.jvision.onednn.CompiledGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
 * resumes from its checkpoint; a loss that becomes NaN or infinite stops it. The steps run on
 * this machine, compiled ({@link CompiledGraph}) where they can and through DL4J otherwise
 * (frozen layers), or elsewhere as an {@link EpochFitter} runs them (data-parallel on Spark).
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

        /** The run continues from a checkpoint holding {@code epochs} completed epochs. */
        default void resumed(int epochs) {
        }

        /** A fine-tuning run made its frozen layers trainable before epoch {@code epoch} (1-based). */
        default void unfrozen(int epoch) {
        }
    }

    /**
     * One training run.
     *
     * @param model     registry name
     * @param train     training split
     * @param test      evaluation split
     * @param mean      per-channel normalisation mean
     * @param std       per-channel normalisation standard deviation
     * @param config    training configuration
     * @param out       output directory
     * @param resume    continue from {@code out/checkpoint.zip} if present
     * @param auxLogits build and train the auxiliary classifiers of GoogLeNet or Inception v3
     *                  ({@link ModelOptions#auxLogits()}); evaluation uses the main one
     * @param fineTune  start from pretrained weights as planned, or null to start from scratch
     */
    public record Run(String model, ImageDataset train, ImageDataset test, float[] mean, float[] std,
                      TrainConfig config, Path out, boolean resume, boolean auxLogits, FineTune.Plan fineTune) {
        /** A run from scratch. */
        public Run(String model, ImageDataset train, ImageDataset test, float[] mean, float[] std,
                   TrainConfig config, Path out, boolean resume, boolean auxLogits) {
            this(model, train, test, mean, std, config, out, resume, auxLogits, null);
        }

        /** A run from scratch without auxiliary classifiers. */
        public Run(String model, ImageDataset train, ImageDataset test, float[] mean, float[] std,
                   TrainConfig config, Path out, boolean resume) {
            this(model, train, test, mean, std, config, out, resume, false);
        }
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
     * layer of {@code conf}: SGD with Nesterov momentum (DL4J's {@code Nesterovs}, which keeps the
     * learning rate inside the velocity, equal to PyTorch's {@code SGD(nesterov=True)} at constant
     * rate) and L2, or Adam with decoupled weight decay (AdamW); warm-up then cosine decay. Weight
     * decay applies to convolution and dense weights only, not to biases and BN parameters (DL4J
     * never regularises BN), the common "no decay on norms and biases" recipe; PyTorch's plain
     * {@code weight_decay} would decay those too.
     */
    public static void configure(ComputationGraphConfiguration conf, TrainConfig c, int stepsPerEpoch) {
        configure(conf, c, stepsPerEpoch, 1);
    }

    /**
     * As {@link #configure(ComputationGraphConfiguration, TrainConfig, int)}, with every layer but
     * the classifiers (the network's outputs) at {@code backboneLrScale} times the learning rate,
     * as PyTorch users do with one parameter group per learning rate.
     */
    public static void configure(ComputationGraphConfiguration conf, TrainConfig c, int stepsPerEpoch,
                                 double backboneLrScale) {
        IUpdater head = updater(c, stepsPerEpoch, 1);
        IUpdater backbone = backboneLrScale == 1 ? head : updater(c, stepsPerEpoch, backboneLrScale);
        List<Regularization> reg = c.weightDecay() == 0 ? List.of()
                : List.of(c.optimizer() == TrainConfig.Optimizer.SGD
                ? new L2Regularization(c.weightDecay()) : new WeightDecay(c.weightDecay(), true));
        conf.getDefaultConfiguration().setSeed(c.seed());
        for (var v : conf.getVertices().entrySet()) {
            if (v.getValue() instanceof LayerVertex lv) {
                lv.getLayerConf().setSeed(c.seed());
                if (lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                    IUpdater updater = conf.getNetworkOutputs().contains(v.getKey()) ? head : backbone;
                    layer.setIUpdater(updater);
                    layer.setBiasUpdater(updater);
                    layer.setRegularization(new ArrayList<>(reg));
                    layer.setRegularizationBias(new ArrayList<>());
                }
            }
        }
    }

    /** SGD with Nesterov momentum or Adam, on warm-up then cosine decay from {@code scale} times the peak rate. */
    private static IUpdater updater(TrainConfig c, int stepsPerEpoch, double scale) {
        long total = (long) c.epochs() * stepsPerEpoch;
        long warmup = Math.min(total - 1, Math.round(c.warmupEpochs() * stepsPerEpoch));
        ISchedule lr = new WarmupCosineSchedule(scale * c.lr(), warmup, total);
        return c.optimizer() == TrainConfig.Optimizer.SGD ? new Nesterovs(lr, c.momentum()) : new Adam(lr);
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

    /**
     * Trains, evaluates, logs and checkpoints as described in the class comment. On resume the
     * checkpoint's training configuration wins (its schedule was planned for it); a different
     * configuration given now is reported in a warning.
     *
     * @throws IOException                if the output cannot be written or the checkpoint read
     * @throws TrainingDivergedException  if the loss becomes NaN or infinite
     * @throws IllegalArgumentException   if the checkpoint holds another model
     */
    public static Result train(Run run, Listener listener) throws IOException {
        return train(run, listener, EpochFitter.local());
    }

    /**
     * As {@link #train(Run, Listener)}, with each epoch's steps run by {@code fitter}; evaluation,
     * log, checkpoints and resumption are the same whatever runs the steps.
     */
    public static Result train(Run run, Listener listener, EpochFitter fitter) throws IOException {
        State s = start(run, fitter);
        if (!s.history.isEmpty()) {
            listener.resumed(s.history.size());
        }
        Metrics.Report test = null;
        for (int epoch = s.history.size(); epoch < s.config.epochs(); epoch++) {
            if (s.fineTune != null && s.fineTune.unfreezeAfter() > 0 && epoch >= s.fineTune.unfreezeAfter()
                    && FineTune.hasFrozen(s.net)) {
                log.info("unfreezing all layers after epoch {}", epoch);
                s.net = fitter.prepare(FineTune.unfreeze(s.net));
                listener.unfrozen(epoch + 1);
            }
            EpochStats stats = trainEpoch(new Epoch(run.train(), s.config, run.mean(), run.std(), epoch), s.net, fitter,
                    listener);
            test = Evaluator.evaluate(s.net, s.options, run.test(), run.mean(), run.std(), EVAL_BATCH);
            stats = new EpochStats(stats.epoch(), stats.trainLoss(), test.loss(), test.top1(), test.top5(), stats.lr(),
                    stats.trainSeconds(), stats.imagesPerSec());
            s.history.add(stats);
            s.checkpoint = new Checkpoint(s.net, new Checkpoint.Meta(run.model(), s.options, run.train().classes(),
                    run.mean(), run.std(), run.train().name(), s.config, epoch + 1, List.copyOf(s.history), s.fineTune));
            s.checkpoint.save(run.out().resolve(CHECKPOINT));
            writeLog(run.out(), s.history);
            log.info("epoch {}: {}", epoch + 1, stats);
            listener.epochEnd(stats, test, s.history);
        }
        if (test == null) { // resumed a finished run: report what is there
            test = Evaluator.evaluate(s.net, s.options, run.test(), run.mean(), run.std(), EVAL_BATCH);
        }
        double trainSeconds = s.history.stream().mapToDouble(EpochStats::trainSeconds).sum();
        writeMetrics(run, s, test, trainSeconds);
        return new Result(s.checkpoint, test, trainSeconds);
    }

    /** Evaluation batch size: large batches, as inference needs no gradients. */
    private static final int EVAL_BATCH = 256;

    /** A run in progress. */
    private static final class State {
        ComputationGraph net;
        TrainConfig config;
        ModelOptions options;
        FineTune.Plan fineTune;
        List<EpochStats> history = new ArrayList<>();
        Checkpoint checkpoint;
    }

    private static int steps(ImageDataset train, TrainConfig c) {
        return Epoch.steps(train.size(), c.batchSize());
    }

    /** A fresh network, or the one in {@code out/checkpoint.zip} when resuming. */
    private static State start(Run run, EpochFitter fitter) throws IOException {
        State s = new State();
        ImageDataset train = run.train();
        s.options = new ModelOptions(train.classes().size(), train.channels(), train.height(), train.width(),
                run.auxLogits());
        s.config = run.config();
        s.fineTune = run.fineTune();
        Path file = run.out().resolve(CHECKPOINT);
        Files.createDirectories(run.out());
        if (!run.resume() && Files.exists(file)) {
            throw new IllegalArgumentException(run.out() + " already holds a run (" + CHECKPOINT + "); continue it with "
                    + "--resume, or choose another output directory (--out)");
        }
        if (run.resume() && !Files.exists(file)) {
            log.warn("no checkpoint in {}; starting a new run", run.out());
        }
        if (run.resume() && Files.exists(file)) {
            Checkpoint cp = Checkpoint.load(file);
            if (!cp.meta().model().equals(run.model())) {
                throw new IllegalArgumentException(file + " holds " + cp.meta().model() + ", not " + run.model());
            }
            if (!cp.meta().classes().equals(train.classes()) || !cp.meta().options().equals(s.options)) {
                throw new IllegalArgumentException(file + " was trained on classes " + cp.meta().classes() + " with "
                        + cp.meta().options() + "; the data now has " + train.classes() + " with " + s.options);
            }
            if ((cp.meta().fineTune() == null) != (run.fineTune() == null)) {
                throw new IllegalArgumentException(file + " holds a " + (cp.meta().fineTune() == null
                        ? "run from scratch; resume it with jvision train" : "fine-tuning run; resume it with jvision finetune")
                        + ", or give another output directory");
            }
            if (cp.meta().fineTune() != null && !cp.meta().fineTune().equals(run.fineTune())) {
                log.warn("resuming with the checkpoint's fine-tuning plan {} (given: {})", cp.meta().fineTune(),
                        run.fineTune());
            }
            if (!cp.meta().config().equals(s.config)) {
                log.warn("resuming with the checkpoint's training configuration {} (given: {})",
                        cp.meta().config(), s.config);
            }
            s.config = cp.meta().config();
            s.fineTune = cp.meta().fineTune();
            s.net = cp.net();
            s.history.addAll(cp.meta().history());
            s.checkpoint = cp;
            if (cp.meta().epochs() >= s.config.epochs()) {
                log.warn("{} has all {} epochs of its run; nothing to train, evaluating it", file, s.config.epochs());
            } else {
                log.info("resuming {} after epoch {} of {}", run.model(), cp.meta().epochs(), s.config.epochs());
            }
        } else if (s.fineTune != null) {
            s.net = FineTune.network(run.model(), s.options, s.config, steps(train, s.config), s.fineTune);
        } else {
            s.net = newNetwork(run.model(), s.options, s.config, steps(train, s.config));
        }
        fitter.check(s.config);
        s.net = fitter.prepare(s.net);
        return s;
    }

    /** One pass over the training set; test metrics are filled in by the caller. */
    private static EpochStats trainEpoch(Epoch epoch, ComputationGraph net, EpochFitter fitter, Listener listener) {
        listener.epochStart(epoch.index() + 1, epoch.config().epochs(), epoch.steps());
        long start = System.nanoTime();
        double loss = fitter.fit(net, epoch, listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        epoch.checkFinite(loss, "the epoch's mean");
        net.incrementEpochCount();
        // the classifier's rate (the backbone's may be scaled, or frozen)
        String head = net.getConfiguration().getNetworkOutputs().get(0);
        double lr = net.getLayer(head).conf().getLayer() instanceof BaseLayer b
                ? b.getIUpdater().getLearningRate(net.getIterationCount() - 1, epoch.index()) : Double.NaN;
        return new EpochStats(epoch.index() + 1, loss, Double.NaN, Double.NaN, Double.NaN, lr, seconds,
                epoch.train().size() / seconds);
    }

    private static void writeLog(Path out, List<EpochStats> history) throws IOException {
        StringBuilder s = new StringBuilder();
        for (EpochStats e : history) {
            s.append(Checkpoint.JSON.writeValueAsString(e)).append('\n');
        }
        AtomicFiles.writeString(out.resolve("log.jsonl"), s.toString());
    }

    private static void writeMetrics(Run run, State s, Metrics.Report test, double trainSeconds) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", run.model());
        m.put("dataset", run.train().name());
        m.put("params", Summary.of(run.model(), s.net.getConfiguration(), s.options).params());
        m.put("epochs", s.history.size());
        m.put("train_seconds", trainSeconds);
        m.put("test_top1", test.top1());
        m.put("test_top5", test.top5());
        m.put("test_loss", test.loss());
        m.put("test_samples", test.samples());
        m.put("classes", test.classes());
        m.put("per_class_accuracy", test.perClassAccuracy());
        m.put("confusion_matrix", test.confusion());
        m.put("config", s.config);
        m.put("fine_tune", s.fineTune);
        m.put("backend", Backend.describe());
        AtomicFiles.writeString(run.out().resolve("metrics.json"),
                Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    static {
        Backend.init();
    }
}
