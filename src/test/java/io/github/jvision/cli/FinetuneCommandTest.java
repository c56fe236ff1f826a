package io.github.jvision.cli;

import static io.github.jvision.cli.MainTest.assertUsageError;
import static io.github.jvision.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.data.FashionMnist;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.image.Interpolation;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.train.Checkpoint;
import io.github.jvision.train.FineTune;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.Preprocessing;
import io.github.jvision.weights.SafeTensors;
import io.github.jvision.weights.WeightsMeta;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jvision finetune} on an image folder of real Fashion-MNIST PNGs (three shoe classes), from
 * a weights file with its sidecar; {@code export} and {@code predict} on the result; and the errors
 * a user can make, each one line and exit code 2.
 */
class FinetuneCommandTest {
    static final List<Integer> SHOES = List.of(5, 7, 9);

    @TempDir
    static Path tmp;
    static Path folder;
    static Path weights;

    @BeforeAll
    static void setUp() throws Exception {
        ImageDataset test = FashionMnist.load(FashionMnist.Locator.standard(null)).test().select(SHOES);
        folder = tmp.resolve("shoes");
        int[] seen = new int[SHOES.size()];
        for (int i = 0; i < test.size(); i++) {
            int label = test.labels()[i];
            int n = seen[label]++;
            if (n < 12) {
                String split = n < 8 ? "train" : "val";
                Path dir = folder.resolve(split).resolve(test.classes().get(label).replace(' ', '_'));
                Files.createDirectories(dir);
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, 28, 28, java.util.Arrays.copyOfRange(test.pixels(),
                        i * 784, (i + 1) * 784));
                ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            }
        }
        weights = tmp.resolve("pretrained.safetensors");
        SafeTensors.write(weights, ModelWeights.stateDict(Models.create("resnet20", new ModelOptions(10, 1, 28), 3)));
        new WeightsMeta(new Preprocessing(28, 28, Interpolation.BILINEAR, new float[]{0.286f}, new float[]{0.353f}),
                FashionMnist.CLASSES, "test").write(WeightsMeta.sidecar(weights));
    }

    private static String[] finetune(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("finetune", "--model", "resnet20", "--weights",
                weights.toString(), "--dataset", folder.toString(), "--epochs", "1", "--batch-size", "8",
                "--no-progress", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void fineTunesExportsAndPredicts() throws Exception {
        Path out = tmp.resolve("run");
        MainTest.Result r = run(finetune(out, "--num-classes", "3", "--freeze-until", "layer1",
                "--backbone-lr-scale", "0.1"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("test top-1"), r.out());
        Checkpoint cp = Checkpoint.load(out.resolve("checkpoint.zip"));
        assertEquals(List.of("Ankle_boot", "Sandal", "Sneaker"), cp.meta().classes(), "classes: folder names, sorted");
        assertEquals(new FineTune.Plan(weights.toAbsolutePath(), "layer1", 0, 0.1), cp.meta().fineTune());
        assertEquals(0.286f, cp.meta().mean()[0], "the weights' normalisation, from the sidecar");
        assertEquals(new ModelOptions(3, 1, 28), cp.meta().options());

        Path exported = tmp.resolve("shoes.safetensors");
        assertEquals(0, run("export", "--checkpoint", out.resolve("checkpoint.zip").toString(), "--output",
                exported.toString()).code());
        WeightsMeta meta = WeightsMeta.read(tmp.resolve("shoes.json"));
        assertEquals(cp.meta().classes(), meta.categories());
        String image;
        try (var files = Files.list(folder.resolve("val/Sandal"))) {
            image = files.findFirst().orElseThrow().toString();
        }
        MainTest.Result fromCheckpoint = run("predict", "--checkpoint", out.resolve("checkpoint.zip").toString(), image);
        MainTest.Result fromWeights = run("predict", "--model", "resnet20", "--weights", exported.toString(), image);
        assertEquals(0, fromWeights.code(), fromWeights.toString());
        assertEquals(fromCheckpoint.out(), fromWeights.out(), "the exported weights and sidecar predict as the checkpoint");
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        assertUsageError(run(finetune(tmp.resolve("e1"), "--num-classes", "5")), "--num-classes 5 but the data set has 3");
        assertUsageError(run(finetune(tmp.resolve("e2"), "--freeze-until", "layer9")), "no layer named layer9");
        assertUsageError(run(finetune(tmp.resolve("e3"), "--unfreeze-after", "2")), "--unfreeze-after needs --freeze-until");
        assertUsageError(run(finetune(tmp.resolve("e4"), "--backbone-lr-scale", "2")), "must be in (0, 1]");
        assertUsageError(run(finetune(tmp.resolve("e5"), "--channels", "3")), "the weights expect 1-channel inputs; the data set was read with 3");
        assertUsageError(run(finetune(tmp.resolve("e7"), "--freeze-until", "fc")), "would freeze the classifier [fc]");
        assertUsageError(run(finetune(tmp.resolve("e8"), "--freeze-until", "layer1", "--unfreeze-after", "1")),
                "must be less than --epochs 1");
        assertUsageError(run(finetune(tmp.resolve("e9"), "--limit", "10")), "--limit takes the first N images");
        assertUsageError(run(finetune(tmp.resolve("e10"), "--channels", "2")), "--channels must be 1 or 3");
        assertUsageError(run("export", "--checkpoint", tmp.resolve("none.zip").toString(), "--output",
                tmp.resolve("x.pth").toString()), "expected a .safetensors file name");
        MainTest.Result deeper = run("finetune", "--model", "resnet32", "--weights", weights.toString(), "--dataset",
                folder.toString(), "--epochs", "1", "--out", tmp.resolve("e6").toString());
        assertUsageError(deeper, "layer1.3.conv1.weight");
        assertUsageError(run("finetune", "--model", "resnet20", "--weights", tmp.resolve("none.pth").toString(),
                "--dataset", folder.toString(), "--epochs", "1"), "none.pth: no such weights file");
        Path noVal = tmp.resolve("noval");
        Files.createDirectories(noVal.resolve("train/a"));
        assertUsageError(run("finetune", "--model", "resnet20", "--weights", weights.toString(), "--dataset",
                noVal.toString(), "--epochs", "1"), "neither val/ nor test/");
    }

    @Test
    void unreadableImagesStopTheRunOrAreSkippedAndReported() throws Exception {
        Path bad = tmp.resolve("bad");
        for (String split : List.of("train", "val")) {
            for (String c : List.of("a", "b")) {
                Path dir = bad.resolve(split).resolve(c);
                Files.createDirectories(dir);
                try (var files = Files.list(folder.resolve(split).resolve("Sandal"))) {
                    for (Path f : files.limit(2).toList()) {
                        Files.copy(f, dir.resolve(f.getFileName()));
                    }
                }
            }
        }
        Path broken = bad.resolve("train/a/broken.png");
        Files.write(broken, new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0});
        String[] args = {"finetune", "--model", "resnet20", "--weights", weights.toString(), "--dataset", bad.toString(),
                "--epochs", "1", "--no-progress", "--out", tmp.resolve("bad-run").toString()};
        assertUsageError(run(args), "broken.png");
        List<String> skipping = new java.util.ArrayList<>(List.of(args));
        skipping.add("--skip-bad-images");
        MainTest.Result r = run(skipping.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("skipped 1 unreadable image files") && r.out().contains("broken.png"), r.out());
    }
}
