package io.github.jvision.examples;

import io.github.jvision.data.BatchLoader;
import io.github.jvision.data.FashionMnist;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

/**
 * Quick start: build a ResNet-20 for 28x28 grayscale images by name, look at its size, and run
 * it on a batch of real Fashion-MNIST test images (untrained: about 10% right).
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.QuickStart</pre>
 */
public final class QuickStart {
    public static void main(String[] args) throws Exception {
        ModelOptions options = new ModelOptions(10, 1, 28);
        var net = Models.create("resnet20", options);
        Summary summary = Summary.of("resnet20", options);
        System.out.printf("resnet20: %,d parameters, %,d MACs per image%n", summary.params(), summary.macs());

        var test = FashionMnist.load(FashionMnist.Locator.standard(args.length > 0 ? Path.of(args[0]) : null)).test();
        float[] mean = {(float) FashionMnist.MEAN};
        float[] std = {(float) FashionMnist.STD};
        try (var batches = new BatchLoader(test.head(8), BatchLoader.Options.eval(8, mean, std))) {
            INDArray x = batches.next().getFeatures();           // [8, 1, 28, 28], normalised
            INDArray probs = net.outputSingle(false, x);          // [8, 10]
            for (int i = 0; i < 8; i++) {
                int best = probs.getRow(i).argMax().getInt(0);
                System.out.printf("image %d: true %-12s predicted %-12s (p = %.3f)%n", i,
                        test.classes().get(test.labels()[i]), test.classes().get(best), probs.getDouble(i, best));
            }
        }
    }
}
