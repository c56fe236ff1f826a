package io.github.jvision.examples;

import io.github.jvision.data.ImageFolder;
import io.github.jvision.eval.Features;
import io.github.jvision.image.Images;
import io.github.jvision.eval.Metrics;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.train.EpochStats;
import io.github.jvision.train.FineTune;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.Preprocessing;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fine-tuning a pretrained ResNet-18 on your own photos: torchvision's weights file, an image folder
 * {@code DIR/train/CLASS/*.jpg} and {@code DIR/val/CLASS/*.jpg}, a new classifier for its classes,
 * layer1 and layer2 frozen for two epochs, the backbone at a tenth of the head's learning rate;
 * then the pooled 512-d embeddings of one batch for a linear probe elsewhere.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.FineTuning \
 *     -Dexec.args="resnet18.pth photos"</pre>
 */
public final class FineTuning {
    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        var train = ImageFolder.load(dir.resolve("train"), 3, 224, ImageFolder.OnError.SKIP);
        var val = ImageFolder.load(dir.resolve("val"), 3, 224, ImageFolder.OnError.SKIP);
        train.skipped().forEach(f -> System.out.println("skipped " + f));

        var plan = new FineTune.Plan(weights, "layer2", 2, 0.1);
        var config = new TrainConfig(6, 32, 0.01, TrainConfig.Optimizer.SGD, 0.9, 1e-4, 0.1, 0.5, 42, "crop-flip", 2);
        var run = new Trainer.Run("resnet18", train.data(), val.data(), Preprocessing.IMAGENET_MEAN,
                Preprocessing.IMAGENET_STD, config, Path.of("runs", "finetune-example"), true, false, plan);
        var result = Trainer.train(run, new Trainer.Listener() {
            @Override
            public void unfrozen(int epoch) {
                System.out.println("epoch " + epoch + ": layer1 and layer2 train from now on");
            }

            @Override
            public void epochEnd(EpochStats s, Metrics.Report test, List<EpochStats> history) {
                System.out.printf("epoch %d: val top-1 %.2f%%%n", s.epoch(), 100 * s.testTop1());
            }
        });
        System.out.printf("final val top-1 %.2f%%%n", 100 * result.test().top1());

        // an embedding for a linear probe or a similarity search: the pretrained backbone on one photo,
        // prepared as torchvision's ResNet-18 weights expect (resize 256, centre crop 224, normalise)
        var backbone = Models.create("resnet18", new ModelOptions(1000, 3, 224), 0);
        ModelWeights.load(backbone, ModelWeights.read(weights), true);
        Path photo;
        try (var files = Files.walk(dir.resolve("val"))) {
            photo = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        var x = Nd4j.create(Preprocessing.imagenet(256, 224).apply(Images.load(photo, 3)), new long[]{1, 3, 224, 224}, 'c');
        System.out.println(photo + ": embedding of " + Features.of(backbone, x).length() + " values");
    }
}
