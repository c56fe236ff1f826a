package io.github.jvision.examples;

import io.github.jvision.data.FashionMnist;
import io.github.jvision.eval.Metrics;
import io.github.jvision.train.EpochStats;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * Training from Java: the same run as {@code jvision train --model resnet20 --epochs 1}, with a
 * listener printing each epoch. Writes checkpoint, log and metrics into {@code runs/example}.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.TrainFashionMnist</pre>
 */
public final class TrainFashionMnist {
    public static void main(String[] args) throws Exception {
        var data = FashionMnist.load(FashionMnist.Locator.standard(null));
        TrainConfig config = TrainConfig.defaults(1);
        var run = new Trainer.Run("resnet20", data.train(), data.test(), new float[]{(float) FashionMnist.MEAN},
                new float[]{(float) FashionMnist.STD}, config, Path.of("runs", "example"), true);
        var result = Trainer.train(run, new Trainer.Listener() {
            @Override
            public void epochEnd(EpochStats s, Metrics.Report test, List<EpochStats> history) {
                System.out.printf("epoch %d: test top-1 %.2f%% (%.0f img/s)%n", s.epoch(), 100 * s.testTop1(),
                        s.imagesPerSec());
            }
        });
        System.out.printf("final test top-1 %.2f%%, top-5 %.2f%%%n", 100 * result.test().top1(), 100 * result.test().top5());
    }
}
