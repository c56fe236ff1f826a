package io.github.jvision.eval;

import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.ImageDataset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Runs a model over a data set in inference mode and reports {@link Metrics}. */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * Evaluates {@code net} on every image of {@code data}, in order, in inference mode.
     *
     * @param net   a classifier with output {@code [N, K]} probabilities
     * @param data  the evaluation images; K must equal its number of classes
     * @param mean  per-channel normalisation mean (pixels in [0, 1])
     * @param std   per-channel normalisation standard deviation
     * @param batchSize images per forward pass
     * @return top-1, top-5, mean cross-entropy, per-class accuracy and confusion matrix
     */
    public static Metrics.Report evaluate(ComputationGraph net, ImageDataset data, float[] mean, float[] std,
                                          int batchSize) {
        return evaluate(net, null, data, mean, std, batchSize);
    }

    /**
     * As {@link #evaluate(ComputationGraph, ImageDataset, float[], float[], int)}, first checking
     * that the data fit a model built with {@code options}.
     *
     * @throws IllegalArgumentException if the images or classes do not fit the model
     */
    public static Metrics.Report evaluate(ComputationGraph net, io.github.jvision.models.ModelOptions options,
                                          ImageDataset data, float[] mean, float[] std, int batchSize) {
        if (options != null && options.numClasses() != data.classes().size()) {
            throw new IllegalArgumentException("the model has " + options.numClasses() + " classes; " + data.name()
                    + " has " + data.classes().size());
        }
        Metrics m = new Metrics(data.classes().size());
        int seen = 0;
        try (BatchLoader batches = new BatchLoader(data, BatchLoader.Options.eval(batchSize, mean, std));
             Predictor predictor = Predictor.of(net)) {
            while (batches.hasNext()) {
                DataSet d = batches.next();
                if (options != null) {
                    options.checkInput(d.getFeatures().shape());
                }
                INDArray p = predictor.probabilities(d.getFeatures());
                int n = (int) p.size(0);
                int[] labels = java.util.Arrays.copyOfRange(data.labels(), seen, seen + n);
                m.add(p, labels);
                double loss = 0;
                for (int i = 0; i < n; i++) {
                    loss -= Math.log(Math.max(p.getDouble(i, labels[i]), 1e-12));
                }
                m.addLoss(loss);
                seen += n;
            }
        }
        return m.report(data.classes());
    }
}
