package io.github.jvision.train;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.augment.BatchTransform;
import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Arrays;

/**
 * One epoch of a run: the data its steps train on and how their batches are drawn.
 *
 * @param train  training split
 * @param config the run's training configuration
 * @param mean   per-channel normalisation mean
 * @param std    per-channel normalisation standard deviation
 * @param index  0-based epoch number (mixed into the shuffle and augmentation seeds)
 */
public record Epoch(ImageDataset train, TrainConfig config, float[] mean, float[] std, int index) {

    /** Steps of {@code config.batchSize()} images; the last one may be smaller. */
    public int steps() {
        return steps(train.size(), config.batchSize());
    }

    /**
     * @param where the step, round or mean the loss is of, for the message
     * @throws TrainingDivergedException if {@code loss} is NaN or infinite
     */
    public void checkFinite(double loss, String where) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("training loss became " + loss + " at epoch " + (index + 1) + ", "
                    + where + "; lower the learning rate (--lr " + config.lr() + ")");
        }
    }

    /**
     * {@code batch} with its labels repeated for each of a network's {@code outputs}: a graph with
     * auxiliary classifiers (GoogLeNet, Inception v3 with aux logits) trains each on the batch's
     * labels, its loss weighted as built.
     */
    public static MultiDataSet labelsPerOutput(DataSet batch, int outputs) {
        INDArray[] labels = new INDArray[outputs];
        Arrays.fill(labels, batch.getLabels());
        return new MultiDataSet(new INDArray[]{batch.getFeatures()}, labels);
    }

    static int steps(int images, int batchSize) {
        return (images + batchSize - 1) / batchSize;
    }

    /**
     * The batches of this epoch: the order shuffled by (seed, epoch), the per-image augmentation
     * of {@code config.augment()}, label smoothing, normalisation, then MixUp / CutMix per batch.
     *
     * @param batchSize images per batch: the run's batch size, or a worker's share of it
     * @param workers   threads preparing batches
     */
    public BatchLoader.Options batching(int batchSize, int workers) {
        return new BatchLoader.Options(batchSize, true, config.seed(), index,
                Augmentations.parse(config.augment(), train.height(), train.width()), config.labelSmoothing(), mean,
                std, workers, false, BatchTransform.of(config.mixup(), config.cutmix()));
    }
}
