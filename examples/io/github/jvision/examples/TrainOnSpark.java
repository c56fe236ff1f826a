package io.github.jvision.examples;

import io.github.jvision.data.FashionMnist;
import io.github.jvision.spark.SparkFitter;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;

import java.nio.file.Path;

/**
 * Data-parallel training on Spark from Java: the run of {@link TrainFashionMnist}, its steps on
 * Spark's workers (here {@code local[2]}: two worker threads; on a cluster, its master URL) with
 * parameter averaging after every step. Evaluation, log and checkpoints stay in this JVM, in
 * {@code runs/example-spark}. Spark needs its {@code --add-opens} flags on Java 17
 * ({@link SparkFitter#ADD_OPENS}); see docs/distributed.md.
 *
 * <pre>MAVEN_OPTS="--add-opens=java.base/java.lang=ALL-UNNAMED ..." \
 *   mvn -q test-compile exec:java -Dexec.mainClass=io.github.jvision.examples.TrainOnSpark</pre>
 */
public final class TrainOnSpark {
    public static void main(String[] args) throws Exception {
        var data = FashionMnist.load(FashionMnist.Locator.standard(null));
        var run = new Trainer.Run("resnet20", data.train(), data.test(), new float[]{(float) FashionMnist.MEAN},
                new float[]{(float) FashionMnist.STD}, TrainConfig.defaults(1), Path.of("runs", "example-spark"), true);
        try (SparkFitter spark = SparkFitter.start("local[2]", "jvision example", 1)) {
            var result = Trainer.train(run, new Trainer.Listener() {
            }, spark);
            System.out.printf("%d workers: test top-1 %.2f%%%n", spark.workers(), 100 * result.test().top1());
        }
    }
}
