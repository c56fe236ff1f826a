package io.github.jvision.data;

import io.github.jvision.image.Image;
import io.github.jvision.augment.LabelSmoothing;
import io.github.jvision.augment.BatchTransform;
import io.github.jvision.augment.Transform;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mini-batches of an {@link ImageDataset} for one epoch, prepared ahead of the training step on
 * worker threads.
 *
 * <p>Each batch is a DL4J {@link DataSet}: features {@code [B, C, H, W]} float32, pixels scaled
 * to [0, 1], transformed, then normalised per channel as {@code (x - mean) / std}; labels
 * {@code [B, K]} float32 (one-hot, or smoothed). The sample order is a permutation drawn from
 * (seed, epoch); every sample's transform draws from a generator seeded by (seed, epoch, sample
 * index), so the batches are the same whatever the number of workers. The last batch may be
 * smaller unless {@code dropLast}.
 */
public final class BatchLoader implements Iterator<DataSet>, AutoCloseable {

    /**
     * How to batch.
     *
     * @param batchSize      images per batch
     * @param shuffle        draw a random order per epoch
     * @param seed           base seed
     * @param epoch          epoch index (0-based), mixed into the seed
     * @param transform      per-image transform on [0, 1] images, before normalisation
     * @param labelSmoothing 0 for one-hot targets
     * @param mean           per-channel mean subtracted after the transform
     * @param std            per-channel standard deviation divided after subtracting the mean
     * @param workers        threads preparing batches (at least 1)
     * @param dropLast       drop a final incomplete batch
     * @param batchTransform MixUp / CutMix on each assembled batch (after normalisation and
     *                       smoothing), drawing from a stream seeded by (seed, epoch, batch)
     */
    public record Options(int batchSize, boolean shuffle, long seed, int epoch, Transform transform,
                          double labelSmoothing, float[] mean, float[] std, int workers, boolean dropLast,
                          BatchTransform batchTransform) {
        public Options {
            if (batchSize < 1 || workers < 1) {
                throw new IllegalArgumentException("batch size and workers must be at least 1; got "
                        + batchSize + " and " + workers);
            }
        }

        /** Without a batch transform. */
        public Options(int batchSize, boolean shuffle, long seed, int epoch, Transform transform,
                       double labelSmoothing, float[] mean, float[] std, int workers, boolean dropLast) {
            this(batchSize, shuffle, seed, epoch, transform, labelSmoothing, mean, std, workers, dropLast,
                    BatchTransform.none());
        }

        /** @return these options for another epoch */
        public Options withEpoch(int epoch) {
            return new Options(batchSize, shuffle, seed, epoch, transform, labelSmoothing, mean, std, workers, dropLast,
                    batchTransform);
        }

        /** Evaluation batches: in order, no transform, no smoothing. */
        public static Options eval(int batchSize, float[] mean, float[] std) {
            return new Options(batchSize, false, 0, 0, Transform.identity(), 0, mean, std, 1, false);
        }
    }

    private final ImageDataset data;
    private final Options o;
    private final int[] order;
    private final int batches;
    private final ExecutorService pool;
    private final ArrayDeque<Future<DataSet>> ahead = new ArrayDeque<>();
    private int submitted;
    private int taken;

    public BatchLoader(ImageDataset data, Options options) {
        if (options.mean().length != data.channels() || options.std().length != data.channels()) {
            throw new IllegalArgumentException(data.name() + " has " + data.channels() + " channels; mean/std have "
                    + options.mean().length + "/" + options.std().length);
        }
        this.data = data;
        this.o = options;
        this.order = order(data.size(), options);
        this.batches = options.dropLast() ? data.size() / options.batchSize()
                : (data.size() + options.batchSize() - 1) / options.batchSize();
        this.pool = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "jvision-loader");
            t.setDaemon(true);
            return t;
        });
        while (submitted < batches && ahead.size() < 2 * options.workers()) {
            submit();
        }
    }

    /** @return the number of batches this epoch */
    public int batches() {
        return batches;
    }

    private static int[] order(int n, Options o) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (o.shuffle()) {
            SplittableRandom rng = new SplittableRandom(mix(o.seed(), o.epoch(), -1));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** A well-spread 64-bit seed for (seed, epoch, index). */
    static long mix(long seed, long epoch, long index) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0xBF58476D1CE4E5B9L + index;
        h ^= h >>> 31;
        return h * 0x94D049BB133111EBL;
    }

    private void submit() {
        int b = submitted++;
        ahead.add(pool.submit(() -> batch(data, o, order, b)));
    }

    @Override
    public boolean hasNext() {
        return taken < batches;
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        try {
            DataSet d = ahead.remove().get();
            taken++;
            if (submitted < batches) {
                submit();
            }
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading batch " + taken + " of " + data.name() + " failed: "
                    + e.getCause(), e.getCause());
        }
    }

    /**
     * The batches numbered {@code ids} (0-based, as a loader with {@code options} returns them) of
     * the epoch {@code options} describes, each built on the calling thread when iterated to: a
     * worker of a data-parallel run builds its share of an epoch this way. {@code options.workers()}
     * is not used.
     *
     * @throws IndexOutOfBoundsException when iterated to an id outside the epoch's batches
     */
    public static Iterator<DataSet> select(ImageDataset data, Options options, Iterator<Integer> ids) {
        int[] order = order(data.size(), options);
        int batches = (data.size() + options.batchSize() - 1) / options.batchSize();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public DataSet next() {
                int b = ids.next();
                if (b < 0 || b >= batches) {
                    throw new IndexOutOfBoundsException("batch " + b + " of an epoch of " + batches);
                }
                return batch(data, options, order, b);
            }
        };
    }

    private static DataSet batch(ImageDataset data, Options o, int[] order, int b) {
        int from = b * o.batchSize();
        int n = Math.min(o.batchSize(), data.size() - from);
        int c = data.channels();
        int k = data.classes().size();
        float[] x = null;
        int h = 0;
        int w = 0;
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            int index = order[from + i];
            Image img = o.transform().apply(image(data, index), new SplittableRandom(mix(o.seed(), o.epoch(), index)));
            if (x == null) {
                h = img.height();
                w = img.width();
                x = new float[n * c * h * w];
            }
            img.normalizeInto(o.mean(), o.std(), x, i * c * h * w);
            LabelSmoothing.target(y, i * k, k, data.labels()[index], o.labelSmoothing());
        }
        // batch b's own stream: per-sample streams use indices >= 0, the shuffle -1
        o.batchTransform().apply(new BatchTransform.Batch(x, y, n, c, h, w, k),
                new SplittableRandom(mix(o.seed(), o.epoch(), -2L - b)));
        return new DataSet(Nd4j.create(x, new long[]{n, c, h, w}, 'c'), Nd4j.create(y, new long[]{n, k}, 'c'));
    }

    private static Image image(ImageDataset data, int index) {
        int size = data.imageSize();
        float[] px = new float[size];
        byte[] src = data.pixels();
        int base = index * size;
        for (int j = 0; j < size; j++) {
            px[j] = (src[base + j] & 0xff) / 255f;
        }
        return new Image(px, data.channels(), data.height(), data.width());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
