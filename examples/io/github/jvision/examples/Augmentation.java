package io.github.jvision.examples;

import io.github.jvision.augment.BatchTransform;
import io.github.jvision.augment.ColorJitter;
import io.github.jvision.augment.RandAugment;
import io.github.jvision.augment.RandomHorizontalFlip;
import io.github.jvision.augment.RandomResizedCrop;
import io.github.jvision.augment.Transform;
import io.github.jvision.data.FashionMnist;
import io.github.jvision.image.Image;
import io.github.jvision.image.Images;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Augmentation: a torchvision-style pipeline (RandomResizedCrop, flip, RandAugment m9 n2, colour
 * jitter) applied to one Fashion-MNIST image eight times, written side by side into
 * {@code augmented.png}; then CutMix on a batch of two, showing the soft targets it makes. Every
 * draw comes from a generator seeded explicitly, so the output is the same on every run.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.Augmentation</pre>
 */
public final class Augmentation {
    public static void main(String[] args) throws Exception {
        var train = FashionMnist.load(FashionMnist.Locator.standard(null)).train();
        Image first = image(train.pixels(), 0), second = image(train.pixels(), 1);

        Transform pipeline = Transform.compose(List.of(
                new RandomResizedCrop(28, 28),          // scale (0.08, 1), ratio (3/4, 4/3), bilinear
                new RandomHorizontalFlip(0.5),
                new RandAugment(2, 9),                  // same as --augment rand-m9-n2
                new ColorJitter(0.4, 0.4, 0, 0)));
        var rng = new SplittableRandom(42);
        float[] row = new float[8 * 30 * 28];
        Arrays.fill(row, 1f);
        for (int k = 0; k < 8; k++) {
            Image a = pipeline.apply(first, rng);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    row[y * 8 * 30 + 30 * k + x] = a.get(0, y, x);
                }
            }
        }
        Images.writePng(new Image(row, 1, 28, 8 * 30), Path.of("augmented.png"));
        System.out.println("wrote augmented.png");

        // CutMix: the targets say how much of each image is whose
        float[] x = new float[2 * 28 * 28];
        System.arraycopy(first.data(), 0, x, 0, 784);
        System.arraycopy(second.data(), 0, x, 784, 784);
        float[] y = new float[2 * 10];
        y[train.labels()[0]] = 1;
        y[10 + train.labels()[1]] = 1;
        BatchTransform.of(0, 1.0).apply(new BatchTransform.Batch(x, y, 2, 1, 28, 28, 10), rng);
        System.out.println("CutMix targets of the first image: " + Arrays.toString(Arrays.copyOf(y, 10)));
    }

    private static Image image(byte[] pixels, int index) {
        float[] px = new float[784];
        for (int i = 0; i < 784; i++) {
            px[i] = (pixels[index * 784 + i] & 0xff) / 255f;
        }
        return new Image(px, 1, 28, 28);
    }
}
