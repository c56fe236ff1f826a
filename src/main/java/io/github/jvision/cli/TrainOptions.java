package io.github.jvision.cli;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.eval.Metrics;
import io.github.jvision.spark.SparkFitter;
import io.github.jvision.train.EpochStats;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** The training options shared by train and finetune, and the run with its progress output. */
final class TrainOptions {
    @Option(names = "--epochs", required = true, description = "Epochs to train.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default: 0.1 for train, 0.01 for finetune).")
    Double lr;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (Nesterov momentum) or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing epsilon (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--warmup-epochs", defaultValue = "0.1", description = "Linear warm-up epochs before cosine decay (default: ${DEFAULT-VALUE}).")
    double warmupEpochs;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--augment", defaultValue = "none",
            description = "Augmentation spec: none, crop-flip, flip, rrc, rand-mM-nN, trivialaugment, autoaugment, erase-P, joined by + (e.g. crop-flip+rand-m9-n2; default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--mixup", defaultValue = "0", description = "MixUp alpha, lambda ~ Beta(alpha, alpha); 0 for none (torchvision's recipe: 0.2).")
    double mixup;

    @Option(names = "--cutmix", defaultValue = "0", description = "CutMix alpha; 0 for none (torchvision's recipe: 1.0). With --mixup too, one of the two per batch.")
    double cutmix;

    @Option(names = "--workers", description = "Threads preparing batches (default: 1 per 2 cores).")
    Integer workers;

    @Option(names = "--limit", description = "Use only the first N training images (quick runs).")
    Integer limit;

    @Option(names = "--out", description = "Output directory (default: runs/MODEL for train, runs/MODEL-finetune for finetune).")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--no-progress", description = "No progress bar (one line per epoch).")
    boolean noProgress;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER",
            description = "Train data-parallel on Apache Spark: local[N], spark://HOST:PORT, yarn, ...; without a "
                    + "value, the master spark-submit was given. --batch-size is split evenly over the workers.")
    String spark;

    @Option(names = "--averaging-frequency", defaultValue = "1",
            description = "With --spark: steps each worker takes between parameter averagings (default: "
                    + "${DEFAULT-VALUE}, every step: the same schedule as one machine with the whole batch).")
    int averagingFrequency;

    /**
     * @param defaultLr the command's learning rate unless --lr is given
     * @return the training configuration the options give; an invalid one fails here, before any data is read
     */
    TrainConfig config(double defaultLr) {
        var config = new TrainConfig(epochs, batchSize, lr != null ? lr : defaultLr, TrainConfig.Optimizer.parse(optimizer), momentum,
                weightDecay, labelSmoothing, warmupEpochs, seed, augment,
                workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors() / 2), mixup, cutmix);
        Augmentations.parse(augment, 1, 1); // fail early on a bad spec
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1; got " + limit);
        }
        if (spark == null && averagingFrequency != 1) {
            throw new IllegalArgumentException("--averaging-frequency is for data-parallel training; give --spark too");
        }
        if (spark != null && !sparkPresent()) {
            throw new IllegalArgumentException("--spark needs Spark 3.5 (Scala 2.12) on the class path: run ./jvision, "
                    + "or the shaded jar through spark-submit");
        }
        return config;
    }

    private static boolean sparkPresent() {
        try {
            Class.forName("org.apache.spark.SparkConf", false, TrainOptions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** @return the output directory: --out, or runs/NAME */
    Path out(String name) {
        return out != null ? out : Path.of("runs", name);
    }

    /**
     * @return the training split, or its first --limit images
     * @throws IllegalArgumentException for --limit on an image folder, whose images are in class
     *                                  order (the first N would be the first classes only)
     */
    ImageDataset limit(DatasetOptions data, ImageDataset train) {
        if (limit == null) {
            return train;
        }
        if (data.isFolder()) {
            throw new IllegalArgumentException("--limit takes the first N images, which in an image folder (sorted by "
                    + "class) are the first classes only; use --classes or a smaller folder");
        }
        return train.head(limit);
    }

    /** Runs training with a progress bar and plots, then prints the final metrics. */
    void run(Trainer.Run run, PrintWriter printer, DatasetOptions.Loaded data) throws java.io.IOException {
        if (!data.skipped().isEmpty()) {
            printer.printf("skipped %d unreadable image files:%n", data.skipped().size());
            data.skipped().forEach(f -> printer.println("  " + f));
        }
        Trainer.Result result;
        try (Progress progress = new Progress(printer, !noProgress, run.out())) {
            if (spark == null) {
                result = Trainer.train(run, progress);
            } else {
                try (SparkFitter fitter = SparkFitter.start(spark.isEmpty() ? null : spark, "jvision " + run.model(),
                        averagingFrequency)) {
                    fitter.check(run.config());
                    printer.printf("training on Spark: %d workers of %d images per step, averaging every %d step(s)%n",
                            fitter.workers(), run.config().batchSize() / fitter.workers(), averagingFrequency);
                    result = Trainer.train(run, progress, fitter);
                }
            }
        }
        printer.printf("%s on %s: test top-1 %.2f%%, top-5 %.2f%%, %d epochs, %.0f s training; wrote %s%n", run.model(),
                run.train().name(), 100 * result.test().top1(), 100 * result.test().top5(),
                result.checkpoint().meta().epochs(), result.trainSeconds(), run.out());
    }

    /** Progress bar per epoch, a line per epoch, and the plots. */
    static final class Progress implements Trainer.Listener, AutoCloseable {
        private final PrintWriter out;
        private final boolean bars;
        private final Path dir;
        private ProgressBar bar;
        private int steps;

        Progress(PrintWriter out, boolean bars, Path dir) {
            this.out = out;
            this.bars = bars;
            this.dir = dir;
        }

        @Override
        public void epochStart(int epoch, int epochs, int steps) {
            this.steps = steps;
            if (bars) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(steps)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).continuousUpdate()
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void step(int step, double loss, double imagesPerSec) {
            if (bar != null) {
                bar.stepTo(step);
                bar.setExtraMessage(String.format(" loss %.4f, %.0f img/s", loss, imagesPerSec));
                if (step == steps) {
                    close();
                    System.err.println("evaluating...");
                }
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        @Override
        public void resumed(int epochs) {
            out.printf("resuming after epoch %d%n", epochs);
        }

        @Override
        public void unfrozen(int epoch) {
            out.printf("epoch %d: the frozen layers train from now on%n", epoch);
        }

        @Override
        public void epochEnd(EpochStats s, Metrics.Report test, List<EpochStats> history) {
            close();
            out.printf("epoch %d: train loss %.4f, test loss %.4f, top-1 %.2f%%, top-5 %.2f%%, %.0f s, %.0f img/s%n",
                    s.epoch(), s.trainLoss(), s.testLoss(), 100 * s.testTop1(), 100 * s.testTop5(), s.trainSeconds(),
                    s.imagesPerSec());
            try {
                Plots.curves(history, dir);
                Plots.confusion(test, dir.resolve("confusion.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
