package io.github.jvision.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jvision.data.FashionMnist;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.eval.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Short runs on real Fashion-MNIST images: learning, checkpoints, resume, divergence. */
@org.junit.jupiter.api.Tag("slow")
class TrainerTest {
    static ImageDataset train;
    static ImageDataset test;
    static final float[] MEAN = {(float) FashionMnist.MEAN};
    static final float[] STD = {(float) FashionMnist.STD};

    @TempDir
    Path out;

    @BeforeAll
    static void load() throws Exception {
        var splits = FashionMnist.load(FashionMnist.Locator.standard(null));
        train = splits.train();
        test = splits.test().head(1000);
    }

    private static TrainConfig config(int epochs, double lr, String optimizer) {
        return new TrainConfig(epochs, 64, lr, TrainConfig.Optimizer.parse(optimizer), 0.9, 5e-4, 0.0, 0.1, 3,
                "crop-flip", 1);
    }

    @Test
    void lossGoesDownAndAccuracyRisesFarAboveChance() throws Exception {
        var run = new Trainer.Run("resnet20", train.head(3072), test, MEAN, STD, config(2, 0.1, "sgd"), out, false);
        var result = Trainer.train(run, new Trainer.Listener() {
        });
        List<EpochStats> h = result.checkpoint().meta().history();
        assertEquals(2, h.size());
        assertTrue(h.get(1).trainLoss() < h.get(0).trainLoss(), h.toString());
        assertTrue(h.get(0).trainLoss() < Math.log(10), "below the loss of a uniform guess: " + h);
        assertTrue(result.test().top1() > 0.6, "10 classes, chance is 0.1; got " + result.test().top1());

        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals("resnet20", metrics.get("model").asText());
        assertEquals(269722 - 2 * 16 * 9, metrics.get("params").asLong(), "1-channel stem");
        assertEquals(2, metrics.get("epochs").asInt());
        assertEquals(result.test().top1(), metrics.get("test_top1").asDouble(), 1e-12);
        assertTrue(metrics.has("test_top5") && metrics.has("train_seconds"));
        assertEquals(10, metrics.get("confusion_matrix").size());
        assertEquals(2, Files.readAllLines(out.resolve("log.jsonl")).size());

        // checkpoint round trip: same outputs, same metadata
        Checkpoint cp = Checkpoint.load(out.resolve(Trainer.CHECKPOINT));
        INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28);
        assertEquals(result.checkpoint().net().outputSingle(false, x), cp.net().outputSingle(false, x));
        assertEquals(FashionMnist.CLASSES, cp.meta().classes());
        assertEquals(2, cp.meta().epochs());
    }

    @Test
    void resumeAfterACrashEqualsAnUninterruptedRun() throws Exception {
        ImageDataset small = train.head(512);
        TrainConfig c = config(2, 0.05, "adamw");
        var straight = Trainer.train(new Trainer.Run("resnet20", small, test, MEAN, STD, c, out.resolve("a"), false),
                new Trainer.Listener() {
                });

        Path b = out.resolve("b");
        var crash = new RuntimeException("simulated crash");
        var thrown = assertThrows(RuntimeException.class, () -> Trainer.train(
                new Trainer.Run("resnet20", small, test, MEAN, STD, c, b, false), new Trainer.Listener() {
                    @Override
                    public void epochEnd(EpochStats s, Metrics.Report t, List<EpochStats> h) {
                        throw crash;
                    }
                }));
        assertSame(crash, thrown);
        assertEquals(1, Checkpoint.load(b.resolve(Trainer.CHECKPOINT)).meta().epochs());
        try (var files = Files.list(b)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
        var resumed = Trainer.train(new Trainer.Run("resnet20", small, test, MEAN, STD, c, b, true),
                new Trainer.Listener() {
                });
        assertEquals(2, resumed.checkpoint().meta().history().size());
        INDArray p1 = straight.checkpoint().net().params();
        INDArray p2 = resumed.checkpoint().net().params();
        double diff = p1.sub(p2).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters after resume differ by " + diff);
        assertEquals(straight.test().top1(), resumed.test().top1(), 0.002);
    }

    /**
     * A fine-tuning run: frozen up to layer1 for one epoch (those tensors stay the file's, bit for
     * bit), then unfrozen; interrupted after the second epoch (the optimizer state of the unfrozen
     * network is in the checkpoint) and resumed, it ends where an uninterrupted run ends. Resuming
     * it as a run from scratch, or on other classes, is refused.
     */
    @Test
    void fineTuningFreezesThenUnfreezesAndResumes() throws Exception {
        var pretrained = io.github.jvision.models.Models.create("resnet20",
                new io.github.jvision.models.ModelOptions(10, 1, 28), 5);
        Path weights = out.resolve("pretrained.safetensors");
        io.github.jvision.weights.SafeTensors.write(weights, io.github.jvision.weights.ModelWeights.stateDict(pretrained));
        var file = io.github.jvision.weights.SafeTensors.read(weights).tensors();
        var plan = new FineTune.Plan(weights, "layer1", 1, 0.1);
        ImageDataset task = train.head(1536).select(List.of(5, 7, 9));
        ImageDataset taskTest = test.select(List.of(5, 7, 9));
        TrainConfig c = config(3, 0.05, "sgd");

        List<Integer> unfrozen = new ArrayList<>();
        Path a = out.resolve("a");
        List<java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray>> afterOne = new ArrayList<>();
        var straight = Trainer.train(new Trainer.Run("resnet20", task, taskTest, MEAN, STD, c, a, false, false, plan),
                new Trainer.Listener() {
                    @Override
                    public void unfrozen(int epoch) {
                        unfrozen.add(epoch);
                    }

                    @Override
                    public void epochEnd(EpochStats s, Metrics.Report t, List<EpochStats> h) {
                        if (s.epoch() == 1) {
                            try {
                                Checkpoint first = Checkpoint.load(a.resolve(Trainer.CHECKPOINT));
                                afterOne.add(io.github.jvision.weights.ModelWeights.stateDict(first.net()).tensors());
                                assertEquals(plan, first.meta().fineTune());
                                assertEquals(List.of("Sandal", "Sneaker", "Ankle boot"), first.meta().classes());
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }
                });
        assertEquals(List.of(2), unfrozen, "unfrozen before epoch 2");
        for (String k : List.of("conv1.weight", "bn1.running_mean", "layer1.2.conv2.weight", "layer1.2.bn2.running_var")) {
            assertEquals(file.get(k), afterOne.get(0).get(k), k + " frozen in epoch 1");
        }
        assertNotEquals(file.get("layer2.0.conv1.weight"), afterOne.get(0).get("layer2.0.conv1.weight"), "layer2 trains");
        var end = io.github.jvision.weights.ModelWeights.stateDict(straight.checkpoint().net()).tensors();
        assertFalse(FineTune.hasFrozen(straight.checkpoint().net()));
        assertNotEquals(file.get("conv1.weight"), end.get("conv1.weight"), "conv1 trains after the unfreeze");

        Path b = out.resolve("b");
        var crash = new RuntimeException("simulated crash");
        assertSame(crash, assertThrows(RuntimeException.class, () -> Trainer.train(new Trainer.Run("resnet20", task,
                taskTest, MEAN, STD, c, b, false, false, plan), new Trainer.Listener() {
            @Override
            public void epochEnd(EpochStats s, Metrics.Report t, List<EpochStats> h) {
                if (s.epoch() == 2) {
                    throw crash;
                }
            }
        })));
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(new Trainer.Run("resnet20", task,
                taskTest, MEAN, STD, c, b, true), new Trainer.Listener() {
        }));
        assertTrue(e.getMessage().contains("holds a fine-tuning run"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(new Trainer.Run("resnet20",
                train.head(1536).select(List.of(5, 7, 8)), taskTest, MEAN, STD, c, b, true, false, plan),
                new Trainer.Listener() {
                }));
        assertTrue(e.getMessage().contains("was trained on classes [Sandal, Sneaker, Ankle boot]"), e.getMessage());

        var resumed = Trainer.train(new Trainer.Run("resnet20", task, taskTest, MEAN, STD, c, b, true, false, plan),
                new Trainer.Listener() {
                });
        double diff = straight.checkpoint().net().params().sub(resumed.checkpoint().net().params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters after resume differ by " + diff);
        assertEquals(straight.test().top1(), resumed.test().top1(), 0.002);
    }

    /** GoogLeNet with its two auxiliary classifiers trains (three outputs, one label set) and evaluates the main one. */
    @Test
    void auxiliaryClassifiersTrain() throws Exception {
        var run = new Trainer.Run("googlenet", train.head(1024), test.head(256), MEAN, STD,
                new TrainConfig(1, 64, 0.05, TrainConfig.Optimizer.SGD, 0.9, 0, 0, 0.1, 42, "none", 1),
                out.resolve("aux"), false, true);
        List<Double> losses = new ArrayList<>();
        var result = Trainer.train(run, new Trainer.Listener() {
            @Override
            public void step(int step, double loss, double imagesPerSec) {
                losses.add(loss);
            }
        });
        assertEquals(3, result.checkpoint().net().getNumOutputArrays());
        assertEquals(16, losses.size());
        // the loss sums the main and the two weighted auxiliary cross-entropies: (1 + 0.3 + 0.3) ln 10 at the start
        assertEquals(1.6 * Math.log(10), losses.get(0), 0.5);
        double first = losses.subList(0, 4).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(12, 16).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(last < 0.8 * first, "the loss falls: " + losses);
        assertTrue(result.test().samples() == 256 && Double.isFinite(result.test().loss()));
    }

    @Test
    void divergingLossStopsWithAClearMessage() {
        // a learning rate of 1e30 overflows float32 in the first steps (at 1e12 DL4J's step turned
        // NaN but the compiled one stays finite: batch norm renormalises the huge activations)
        var run = new Trainer.Run("resnet20", train.head(640), test, MEAN, STD,
                new TrainConfig(1, 64, 1e30, TrainConfig.Optimizer.SGD, 0.9, 0, 0, 0, 1, "none", 1), out, false);
        var e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(run, new Trainer.Listener() {
        }));
        assertTrue(e.getMessage().contains("training loss became"), e.getMessage());
    }

    @Test
    void checkpointErrorsNameTheFile() throws Exception {
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(out.resolve("missing.zip")));
        assertTrue(e.getMessage().contains("missing.zip: no such checkpoint file"));
        Path plainModel = out.resolve("dl4j.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(
                io.github.jvision.models.Models.create("resnet20", new io.github.jvision.models.ModelOptions(10, 1, 28), 1),
                plainModel.toFile(), false);
        var p = assertThrows(CheckpointException.class, () -> Checkpoint.load(plainModel));
        assertTrue(p.getMessage().contains("without jvision metadata"), p.getMessage());
        Path junk = Files.writeString(out.resolve("junk.zip"), "not a zip");
        var j = assertThrows(CheckpointException.class, () -> Checkpoint.load(junk));
        assertTrue(j.getMessage().contains("junk.zip: not a readable jvision checkpoint"), j.getMessage());
    }

    @Test
    void badTrainingOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> config(0, 0.1, "sgd"));
        var e = assertThrows(IllegalArgumentException.class, () -> config(1, 0.1, "adagrad"));
        assertTrue(e.getMessage().contains("expected sgd or adamw"));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 64, 0.1, TrainConfig.Optimizer.SGD,
                0.9, 0, 1.0, 0, 1, "none", 1));
    }
}
