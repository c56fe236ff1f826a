package io.github.jvision.examples;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.image.Image;
import io.github.jvision.augment.Transform;
import io.github.jvision.data.FashionMnist;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.SplittableRandom;

/**
 * Augmentation: apply the {@code crop-flip} training transform to one Fashion-MNIST image eight
 * times and write the results side by side into {@code augmented.png}. Each draw comes from a
 * generator seeded explicitly, so the picture is the same on every run.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.Augmentation</pre>
 */
public final class Augmentation {
    public static void main(String[] args) throws Exception {
        var train = FashionMnist.load(FashionMnist.Locator.standard(null)).train();
        float[] px = new float[train.imageSize()];
        for (int i = 0; i < px.length; i++) {
            px[i] = (train.pixels()[i] & 0xff) / 255f;
        }
        Image image = new Image(px, 1, 28, 28);
        Transform t = Augmentations.parse("crop-flip", 28, 28);
        BufferedImage grid = new BufferedImage(8 * 30, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < 8; k++) {
            Image a = t.apply(image, new SplittableRandom(k));
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = Math.round(255 * a.get(0, y, x));
                    grid.getRaster().setSample(30 * k + x, y, 0, v);
                }
            }
        }
        ImageIO.write(grid, "png", new File("augmented.png"));
        System.out.println("wrote augmented.png");
    }
}
