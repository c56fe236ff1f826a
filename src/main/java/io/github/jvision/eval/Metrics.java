package io.github.jvision.eval;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Accumulates classification results batch by batch: top-1 and top-5 accuracy, per-class
 * accuracy (recall) and the confusion matrix (rows = true class, columns = predicted).
 *
 * <p>Top-k follows scikit-learn's {@code top_k_accuracy_score}: a sample is a hit when fewer
 * than k classes rank above its label, ties broken by class index (a tied class with a lower
 * index ranks above), so constant scores cannot make every sample a hit. For k &ge; the number
 * of classes every sample is a hit (with one warning). A NaN score for the label is a miss.
 */
public final class Metrics {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    private final int classes;
    private final long[][] confusion;
    private long top5Hits;
    private long count;
    private double lossSum;
    /** The warning below is given once per JVM: evaluation after every epoch would repeat it. */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param classes number of classes K */
    public Metrics(int classes) {
        this.classes = classes;
        this.confusion = new long[classes][classes];
    }

    /**
     * Adds a batch.
     *
     * @param scores {@code [N, K]} scores or probabilities
     * @param labels true class per row
     * @throws IllegalArgumentException if the shapes disagree
     */
    public void add(INDArray scores, int[] labels) {
        if (scores.rank() != 2 || scores.size(1) != classes || scores.size(0) != labels.length) {
            throw new IllegalArgumentException("expected scores [" + labels.length + ", " + classes + "]; got "
                    + java.util.Arrays.toString(scores.shape()));
        }
        float[][] s = scores.toFloatMatrix();
        for (int i = 0; i < labels.length; i++) {
            add(s[i], labels[i]);
        }
    }

    /** Adds one sample's scores {@code [K]} with true class {@code label}. */
    public void add(float[] scores, int label) {
        int rank = rank(scores, label);
        int argmax = -1;
        for (int k = 0; k < scores.length; k++) {
            if (!Float.isNaN(scores[k]) && (argmax < 0 || scores[k] > scores[argmax])) {
                argmax = k;
            }
        }
        if (argmax < 0 || Float.isNaN(scores[label])) {
            argmax = label == 0 ? scores.length - 1 : 0; // NaN output: counted as a miss
        }
        confusion[label][argmax]++;
        if (rank < 5) {
            top5Hits++;
        }
        count++;
    }

    /** Adds the summed loss of a batch (for the mean loss). */
    public void addLoss(double sum) {
        lossSum += sum;
    }

    /** @return how many classes rank above {@code label}: higher score, or equal score and lower index */
    static int rank(float[] scores, int label) {
        float y = scores[label];
        if (Float.isNaN(y)) {
            return scores.length; // a NaN score is never a hit
        }
        int above = 0;
        for (int k = 0; k < scores.length; k++) {
            if (scores[k] > y || (scores[k] == y && k < label)) {
                above++;
            }
        }
        return above;
    }

    /** @return the fraction of samples whose label ranks among the top k */
    public double topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1; got " + k);
        }
        if (k == 1) {
            return accuracy();
        }
        if (k >= classes) {
            if (!WARNED.getAndSet(true)) {
                log.warn("top-{} accuracy with {} classes is always 1", k, classes);
            }
            return count == 0 ? Double.NaN : 1.0;
        }
        if (k != 5) {
            throw new IllegalArgumentException("only top-1 and top-5 are accumulated; got k = " + k);
        }
        return (double) top5Hits / count;
    }

    /** @return top-1 accuracy */
    public double accuracy() {
        long hits = 0;
        for (int k = 0; k < classes; k++) {
            hits += confusion[k][k];
        }
        return (double) hits / count;
    }

    /** @return top-5 accuracy (1.0 with fewer than 6 classes) */
    public double top5() {
        return topK(5);
    }

    /** @return accuracy per true class (NaN for a class without samples) */
    public double[] perClassAccuracy() {
        double[] acc = new double[classes];
        for (int k = 0; k < classes; k++) {
            long n = 0;
            for (long v : confusion[k]) {
                n += v;
            }
            acc[k] = n == 0 ? Double.NaN : (double) confusion[k][k] / n;
        }
        return acc;
    }

    /** @return a copy of the confusion matrix, [true][predicted] */
    public long[][] confusion() {
        long[][] c = new long[classes][];
        for (int k = 0; k < classes; k++) {
            c[k] = confusion[k].clone();
        }
        return c;
    }

    /** @return samples seen */
    public long count() {
        return count;
    }

    /** @return mean loss per sample, if losses were added */
    public double meanLoss() {
        return lossSum / count;
    }

    /** The metrics as a value, with class names. */
    public Report report(List<String> classNames) {
        return new Report(count, accuracy(), top5(), count == 0 ? Double.NaN : meanLoss(), classNames,
                perClassAccuracy(), confusion());
    }

    /**
     * Evaluation results.
     *
     * @param samples          number of samples
     * @param top1             top-1 accuracy in [0, 1]
     * @param top5             top-5 accuracy in [0, 1]
     * @param loss             mean cross-entropy per sample (natural log)
     * @param classes          class names
     * @param perClassAccuracy accuracy per true class
     * @param confusion        [true][predicted] counts
     */
    public record Report(long samples, double top1, double top5, double loss, List<String> classes,
                         double[] perClassAccuracy, long[][] confusion) {
    }
}
