package io.github.jvision.data;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.augment.Transform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchLoaderTest {
    /** 10 one-pixel-per-class images: image i has every pixel = 10 i, label i % 3. */
    private static ImageDataset tiny() {
        int n = 10;
        byte[] px = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(px, i * 4, i * 4 + 4, (byte) (10 * i));
            labels[i] = i % 3;
        }
        return new ImageDataset("tiny", px, labels, 1, 2, 2, List.of("a", "b", "c"));
    }

    private static List<DataSet> epoch(ImageDataset d, BatchLoader.Options o) {
        List<DataSet> out = new ArrayList<>();
        try (BatchLoader b = new BatchLoader(d, o)) {
            b.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void evalBatchesAreNormalisedInOrderWithAShortLastBatch() {
        var batches = epoch(tiny(), BatchLoader.Options.eval(4, new float[]{0.5f}, new float[]{0.25f}));
        assertEquals(3, batches.size());
        assertArrayEquals(new long[]{2, 1, 2, 2}, batches.get(2).getFeatures().shape());
        // image 1: pixel 10 -> 10/255, normalised (10/255 - 0.5) / 0.25
        assertEquals((10 / 255.0 - 0.5) / 0.25, batches.get(0).getFeatures().getDouble(1, 0, 1, 1), 1e-6);
        assertEquals(1.0, batches.get(0).getLabels().getDouble(1, 1), 0);
        assertEquals(1.0, batches.get(2).getLabels().getDouble(1, 0), 0, "image 9 has label 0");
    }

    /**
     * C03 and worker independence with MixUp and CutMix on: 10 images in batches of 4 give 4, 4
     * and 2 (a batch of 1 with 9), no sample lost; the same batches with 1 or 3 workers; targets
     * stay distributions.
     */
    @Test
    void mixedBatchesKeepTheirSizeAndDoNotDependOnWorkers() {
        var mixing = io.github.jvision.augment.BatchTransform.of(0.2, 1.0);
        var one = epoch(tiny(), new BatchLoader.Options(4, true, 7, 1, Transform.identity(), 0.1, new float[]{0},
                new float[]{1}, 1, false, mixing));
        var three = epoch(tiny(), new BatchLoader.Options(4, true, 7, 1, Transform.identity(), 0.1, new float[]{0},
                new float[]{1}, 3, false, mixing));
        assertEquals(List.of(4L, 4L, 2L), one.stream().map(d -> d.getFeatures().size(0)).toList());
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).getFeatures(), three.get(i).getFeatures());
            assertEquals(one.get(i).getLabels(), three.get(i).getLabels());
            var sums = one.get(i).getLabels().sum(1);
            for (int r = 0; r < sums.length(); r++) {
                assertEquals(1.0, sums.getDouble(r), 1e-5);
            }
        }
        var nine = new ImageDataset("nine", java.util.Arrays.copyOf(tiny().pixels(), 36),
                java.util.Arrays.copyOf(tiny().labels(), 9), 1, 2, 2, List.of("a", "b", "c"));
        var batches = epoch(nine, new BatchLoader.Options(4, true, 3, 0, Transform.identity(), 0, new float[]{0},
                new float[]{1}, 2, false, mixing));
        assertEquals(List.of(4L, 4L, 1L), batches.stream().map(d -> d.getFeatures().size(0)).toList());
        // the batch of one is mixed with itself: unchanged, one-hot
        assertEquals(1.0, batches.get(2).getLabels().maxNumber().doubleValue(), 1e-6);
    }

    @Test
    void shuffledAugmentedBatchesDoNotDependOnWorkers() {
        Transform t = Augmentations.parse("crop-flip", 2, 2);
        var one = epoch(tiny(), new BatchLoader.Options(3, true, 7, 2, t, 0.1, new float[]{0}, new float[]{1}, 1, false));
        var three = epoch(tiny(), new BatchLoader.Options(3, true, 7, 2, t, 0.1, new float[]{0}, new float[]{1}, 3, false));
        assertEquals(one.size(), three.size());
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).getFeatures(), three.get(i).getFeatures());
            assertEquals(one.get(i).getLabels(), three.get(i).getLabels());
        }
        var plain = new BatchLoader.Options(10, true, 7, 2, Transform.identity(), 0, new float[]{0}, new float[]{1}, 1, false);
        var next = new BatchLoader.Options(10, true, 7, 3, Transform.identity(), 0, new float[]{0}, new float[]{1}, 1, false);
        assertNotEquals(epoch(tiny(), plain).get(0).getFeatures(), epoch(tiny(), next).get(0).getFeatures(),
                "epochs are shuffled differently");
        // smoothed targets: 0.9 + 0.1/3 and 0.1/3
        assertEquals(0.9 + 0.1 / 3, one.get(0).getLabels().maxNumber().doubleValue(), 1e-6);
        assertEquals(0.1 / 3, one.get(0).getLabels().minNumber().doubleValue(), 1e-6);
    }

    @Test
    void everySampleOncePerEpoch() {
        var batches = epoch(tiny(), new BatchLoader.Options(4, true, 1, 0, Transform.identity(), 0,
                new float[]{0}, new float[]{1}, 2, false));
        List<Integer> seen = new ArrayList<>();
        for (DataSet d : batches) {
            for (int i = 0; i < d.numExamples(); i++) {
                seen.add((int) Math.round(d.getFeatures().getDouble(i, 0, 0, 0) * 255 / 10));
            }
        }
        seen.sort(null);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
    }

    @Test
    void mismatchedNormalisationIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(tiny(), BatchLoader.Options.eval(2, new float[]{0, 0, 0}, new float[]{1, 1, 1})));
        assertTrue(e.getMessage().contains("has 1 channels"), e.getMessage());
    }

    @Test
    void epochIteratorFitsADl4jNetworkForSeveralEpochs() {
        var options = new BatchLoader.Options(4, true, 3, 0, Transform.identity(), 0, new float[]{0}, new float[]{1}, 1, false);
        var net = io.github.jvision.models.Models.create("resnet20", new io.github.jvision.models.ModelOptions(3, 1, 2, 2), 1);
        try (EpochIterator it = new EpochIterator(tiny(), options)) {
            List<Integer> first = new ArrayList<>();
            it.forEachRemaining(d -> first.add(d.numExamples()));
            assertEquals(List.of(4, 4, 2), first);
            it.reset();
            net.fit(it, 2);
            assertEquals(3 * 2, net.getIterationCount(), "3 batches per epoch, 2 epochs");
            assertEquals(List.of("a", "b", "c"), it.getLabels());
        }
    }
}
