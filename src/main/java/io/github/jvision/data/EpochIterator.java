package io.github.jvision.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.List;

/**
 * A DL4J {@link DataSetIterator} over an {@link ImageDataset}, for code that calls
 * {@code net.fit(iterator, epochs)}: each {@link #reset()} starts the next epoch (a new order
 * and new augmentation draws from (seed, epoch)), batches prepared ahead by a {@link BatchLoader}.
 * Close it (or exhaust the last epoch) to stop the loader's threads.
 */
public final class EpochIterator implements DataSetIterator, AutoCloseable {
    private final ImageDataset data;
    private final BatchLoader.Options options;
    private int epoch;
    private BatchLoader loader;
    private DataSetPreProcessor preProcessor;

    /** @param options batching options; their {@code epoch} is the first epoch */
    public EpochIterator(ImageDataset data, BatchLoader.Options options) {
        this.data = data;
        this.options = options;
        this.epoch = options.epoch();
        this.loader = new BatchLoader(data, options);
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("batch size is fixed by BatchLoader.Options: " + options.batchSize());
    }

    @Override
    public DataSet next() {
        DataSet d = loader.next();
        if (preProcessor != null) {
            preProcessor.preProcess(d);
        }
        return d;
    }

    @Override
    public boolean hasNext() {
        return loader.hasNext();
    }

    @Override
    public int inputColumns() {
        return data.imageSize();
    }

    @Override
    public int totalOutcomes() {
        return data.classes().size();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false; // already prepared ahead on worker threads
    }

    /** Starts the next epoch. */
    @Override
    public void reset() {
        loader.close();
        epoch++;
        loader = new BatchLoader(data, options.withEpoch(epoch));
    }

    @Override
    public int batch() {
        return options.batchSize();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return data.classes();
    }

    @Override
    public void close() {
        loader.close();
    }
}
