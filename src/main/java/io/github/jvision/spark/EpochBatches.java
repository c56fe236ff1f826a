package io.github.jvision.spark;

import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.train.Epoch;
import io.github.jvision.train.TrainConfig;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Iterator;

/**
 * Builds, on an executor, the worker batches numbered by a partition's ids: the images come from
 * the broadcast training split, the augmentation and order from (seed, epoch, index) as on one
 * machine, so a batch is the same wherever it is built. Labels are repeated for each of the
 * network's outputs (auxiliary classifiers train on the same labels).
 */
record EpochBatches(Broadcast<ImageDataset> train, TrainConfig config, float[] mean, float[] std, int epoch,
                    int batchSize, int outputs) implements FlatMapFunction<Iterator<Integer>, MultiDataSet> {

    @Override
    public Iterator<MultiDataSet> call(Iterator<Integer> ids) {
        var options = new Epoch(train.value(), config, mean, std, epoch).batching(batchSize, 1);
        Iterator<DataSet> batches = BatchLoader.select(train.value(), options, ids);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public MultiDataSet next() {
                return Epoch.labelsPerOutput(batches.next(), outputs);
            }
        };
    }
}
