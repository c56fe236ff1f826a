package io.github.jvision.spark;

import io.github.jvision.data.FashionMnist;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.eval.Evaluator;
import io.github.jvision.eval.Metrics;
import io.github.jvision.train.Checkpoint;
import io.github.jvision.train.EpochStats;
import io.github.jvision.train.TrainConfig;
import io.github.jvision.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Data-parallel training on Spark in local mode, on real Fashion-MNIST images, against a single-machine run. */
@Tag("slow")
class SparkFitterTest {
    static final float[] MEAN = {(float) FashionMnist.MEAN};
    static final float[] STD = {(float) FashionMnist.STD};
    static ImageDataset train;
    static ImageDataset test;

    @TempDir
    Path out;

    @BeforeAll
    static void load() throws Exception {
        var splits = FashionMnist.load(FashionMnist.Locator.standard(null));
        train = splits.train().head(12288);
        test = splits.test().head(5000);
    }

    /**
     * Rounds of two workers taking two steps each, over 200 images in batches of 32 (16 per
     * worker): 7 steps per epoch by hand (ceil(200 / 32)), in 4 rounds (13 worker batches, the
     * last of 8 images). The learning-rate schedule counts 7 per epoch, and the epoch count is
     * the epochs trained, as on one machine. A run interrupted after its first epoch and resumed
     * on Spark ends where the uninterrupted one ends.
     */
    @Test
    void roundsKeepTheSingleMachineCountsAndAnInterruptedRunResumes() throws Exception {
        var config = new TrainConfig(2, 32, 0.05, TrainConfig.Optimizer.SGD, 0.9, 5e-4, 0, 0.1, 1, "flip", 1);
        ImageDataset small = train.head(200);
        ImageDataset few = test.head(100);
        var steps = new ArrayList<Integer>();
        var crash = new RuntimeException("simulated crash");
        Trainer.Result straight;
        Trainer.Result resumed;
        try (SparkFitter fitter = SparkFitter.start("local[2]", "SparkFitterTest", 2)) {
            straight = Trainer.train(new Trainer.Run("resnet20", small, few, MEAN, STD, config, out.resolve("a"), false),
                    new Trainer.Listener() {
                        @Override
                        public void step(int step, double loss, double imagesPerSec) {
                            steps.add(step);
                        }
                    }, fitter);
            Path b = out.resolve("b");
            assertSame(crash, assertThrows(RuntimeException.class, () -> Trainer.train(
                    new Trainer.Run("resnet20", small, few, MEAN, STD, config, b, false), new Trainer.Listener() {
                        @Override
                        public void epochEnd(EpochStats s, Metrics.Report t, List<EpochStats> h) {
                            throw crash;
                        }
                    }, fitter)));
            resumed = Trainer.train(new Trainer.Run("resnet20", small, few, MEAN, STD, config, b, true),
                    new Trainer.Listener() {
                    }, fitter);
        }
        assertEquals(2 * 7, straight.checkpoint().net().getIterationCount());
        assertEquals(2, straight.checkpoint().net().getEpochCount());
        assertEquals(List.of(2, 4, 6, 7, 2, 4, 6, 7), steps, "progress after each round");
        assertEquals(2 * 7, resumed.checkpoint().net().getIterationCount());
        assertEquals(2, resumed.checkpoint().meta().history().size());
        double diff = straight.checkpoint().net().params().sub(resumed.checkpoint().net().params()).amaxNumber()
                .doubleValue();
        assertTrue(diff < 1e-5, "parameters after resume differ by " + diff);
    }

    /**
     * The acceptance test. In this setting single-machine runs of three seeds reached 86.7%,
     * 87.0% and 87.3%: the 1.5-point bound is about twice their spread. (With 4,096 images at batch
     * 64 and lr 0.1 the seeds spread over 2.3 points, too wide to compare with.)
     */
    @Test
    void sparkRunMatchesTheSingleMachineRunAndItsCheckpointLoadsInAPlainRun() throws Exception {
        var config = new TrainConfig(3, 128, 0.05, TrainConfig.Optimizer.SGD, 0.9, 5e-4, 0, 0.1, 1, "none", 1);
        long t0 = System.nanoTime();
        var single = Trainer.train(new Trainer.Run("resnet20", train, test, MEAN, STD, config, out.resolve("single"),
                false), new Trainer.Listener() {
        });
        long t1 = System.nanoTime();
        Trainer.Result spark;
        try (SparkFitter fitter = SparkFitter.start("local[2]", "SparkFitterTest", 1)) {
            assertEquals(2, fitter.workers());
            spark = Trainer.train(new Trainer.Run("resnet20", train, test, MEAN, STD, config, out.resolve("spark"),
                    false), new Trainer.Listener() {
            }, fitter);
        }
        long t2 = System.nanoTime();
        System.out.printf("test top-1: single machine %.4f (%.0f s), Spark local[2] %.4f (%.0f s)%n",
                single.test().top1(), (t1 - t0) / 1e9, spark.test().top1(), (t2 - t1) / 1e9);
        assertEquals(single.test().top1(), spark.test().top1(), 0.015, "within 1.5 points at equal epochs");
        var history = spark.checkpoint().meta().history();
        assertEquals(3, history.size());
        assertTrue(history.get(2).trainLoss() < history.get(0).trainLoss(), history.toString());

        Checkpoint loaded = Checkpoint.load(out.resolve("spark").resolve(Trainer.CHECKPOINT));
        assertEquals(3, loaded.meta().epochs());
        var again = Evaluator.evaluate(loaded.net(), loaded.meta().options(), test, MEAN, STD, 256);
        assertEquals(spark.test().top1(), again.top1(), 1e-12);
    }
}
