package io.github.jvision.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The command line: outputs, and bad input answered with one line and exit code 2. */
class MainTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static void assertUsageError(Result r, String contains) {
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(contains), r.err());
    }

    @Test
    void summaryJsonHasModelParamsMacs() throws Exception {
        Result r = run("summary", "--model", "resnet50", "--json");
        assertEquals(0, r.code(), r.err());
        var json = new ObjectMapper().readTree(r.out());
        assertEquals("resnet50", json.get("model").asText());
        assertEquals(25557032, json.get("params").asLong());
        assertEquals(4.089e9, json.get("macs").asDouble(), 0.0005e9);
    }

    /** {@code summary --json} works for every registered model; its totals are the registry's (torchvision's). */
    @Test
    void summaryJsonForEveryModel() throws Exception {
        var mapper = new ObjectMapper();
        for (String name : io.github.jvision.models.Models.names()) {
            Result r = run("summary", "--model", name, "--json");
            assertEquals(0, r.code(), name + ": " + r.err());
            var json = mapper.readTree(r.out());
            var arch = io.github.jvision.models.Models.get(name);
            var expected = io.github.jvision.models.Summary.of(name, io.github.jvision.models.ModelOptions.reference(arch));
            assertEquals(expected.params(), json.get("params").asLong(), name);
            assertEquals(expected.macs(), json.get("macs").asLong(), name);
            assertTrue(json.get("layers").size() > 5, name);
        }
        var inception = mapper.readTree(run("summary", "--model", "inception_v3", "--aux-logits", "--json").out());
        assertEquals(27161264, inception.get("params").asLong(), "torchvision's count, with AuxLogits");
    }

    /** {@code augment}: one op keeps the size; a policy grid of 4 is 2x2 with a 2-pixel gap; bad usage is one line. */
    @Test
    void augmentWritesOpsAndGrids() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 12, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff0000);
        Path in = tmp.resolve("in.png");
        javax.imageio.ImageIO.write(img, "png", in.toFile());
        Path op = tmp.resolve("flip.png");
        assertEquals(0, run("augment", "--input", in.toString(), "--op", "hflip", "--output", op.toString()).code());
        var flipped = javax.imageio.ImageIO.read(op.toFile());
        assertEquals(0xff0000, flipped.getRGB(20 - 1 - 3, 4) & 0xffffff, "the red pixel mirrored");
        Path grid = tmp.resolve("grid.png");
        Result g = run("augment", "--input", in.toString(), "--policy", "rand-m9-n2", "--grid", "4", "--seed", "3",
                "--output", grid.toString());
        assertEquals(0, g.code(), g.err());
        var tiled = javax.imageio.ImageIO.read(grid.toFile());
        assertEquals(List.of(2 * 20 + 2, 2 * 12 + 2), List.of(tiled.getWidth(), tiled.getHeight()));
        assertUsageError(run("augment", "--input", in.toString(), "--op", "twirl", "--output", op.toString()), "unknown op 'twirl'");
        assertUsageError(run("augment", "--input", in.toString(), "--output", op.toString()), "exactly one of --op and --policy");
        assertUsageError(run("augment", "--input", tmp.resolve("none.png").toString(), "--op", "hflip", "--output",
                op.toString()), "no such file");
    }

    @Test
    void tooSmallInputIsAUsageError() {
        assertUsageError(run("summary", "--model", "alexnet", "--image-size", "32"),
                "alexnet needs inputs of at least 63x63 pixels square; got 32x32");
    }

    @Test
    void summaryTableForGrayscaleCifarModel() {
        Result r = run("summary", "--model", "resnet20", "--in-channels", "1", "--image-size", "28");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layer3.2.conv2"), r.out());
        assertTrue(r.out().contains("269,434 trainable parameters"), r.out());
    }

    @Test
    void modelsListsTheRegistry() {
        Result r = run("models");
        assertEquals(0, r.code());
        for (String name : io.github.jvision.models.Models.names()) {
            assertTrue(r.out().contains(name), name + " missing: " + r.out());
        }
        assertTrue(r.out().contains("60,192,808"), r.out());
    }

    @Test
    void unknownModel() {
        assertUsageError(run("summary", "--model", "resnet5"), "unknown model 'resnet5'; did you mean");
    }

    @Test
    void missingAndBadOptions() {
        assertUsageError(run("train", "--epochs", "1"), "Missing required option: '--model=<model>'");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "x"), "Invalid value for option '--epochs'");
        assertUsageError(run("frobnicate"), "Unmatched argument");
        assertUsageError(run(), "missing command");
        assertUsageError(run("summary", "--model", "resnet18", "--in-channels", "4"), "inChannels must be 1 (grayscale) or 3 (RGB); got 4");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--optimizer", "adagrad"), "expected sgd or adamw");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--augment", "mystery"), "unknown augmentation");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--dataset", "imagenet"), "unknown data set 'imagenet'");
    }

    @Test
    void missingOrCorruptCheckpoint() throws Exception {
        assertUsageError(run("eval", "--checkpoint", tmp.resolve("none.zip").toString()), "no such checkpoint file");
        Path junk = Files.writeString(tmp.resolve("junk.zip"), "junk");
        assertUsageError(run("predict", "--checkpoint", junk.toString(), "x.png"), "not a readable jvision checkpoint");
    }

    /** {@code train --spark}: a master Spark cannot use, a batch the workers cannot share, a zero averaging frequency. */
    @Test
    void sparkOptionsAreCheckedWithOneLine() {
        String out = tmp.resolve("spark").toString();
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--limit", "64", "--no-progress",
                "--spark", "nonsense://host", "--out", out), "Spark did not start with master 'nonsense://host'");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--limit", "64", "--no-progress",
                "--batch-size", "63", "--spark", "local[2]", "--out", out),
                "the batch size (63) must be a multiple of the 2 Spark workers");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--limit", "64", "--no-progress",
                "--spark", "local[1]", "--averaging-frequency", "0", "--out", out),
                "the averaging frequency must be at least 1 step; got 0");
        assertUsageError(run("train", "--model", "resnet20", "--epochs", "1", "--averaging-frequency", "4"),
                "--averaging-frequency is for data-parallel training; give --spark too");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void trainEvalPredictEndToEnd() throws Exception {
        Path out = tmp.resolve("run");
        Result t = run("train", "--model", "resnet20", "--epochs", "1", "--limit", "1024", "--batch-size", "64",
                "--optimizer", "adamw", "--lr", "0.003", "--no-progress", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("test top-1"), t.out());
        for (String f : new String[]{"checkpoint.zip", "metrics.json", "log.jsonl", "loss.png", "accuracy.png", "confusion.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        BufferedImage png = ImageIO.read(out.resolve("confusion.png").toFile());
        assertTrue(png.getWidth() > 400, "a readable heat map");
        // written files get the usual permissions, as a file created plainly here does
        assertEquals(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain"))),
                Files.getPosixFilePermissions(out.resolve("checkpoint.zip")));
        // a finished run is neither overwritten nor trained again
        String[] again = {"train", "--model", "resnet20", "--epochs", "1", "--limit", "1024", "--batch-size", "64",
                "--optimizer", "adamw", "--lr", "0.003", "--no-progress", "--out", out.toString()};
        assertUsageError(run(again), "already holds a run");
        String[] resume = java.util.Arrays.copyOf(again, again.length + 1);
        resume[again.length] = "--resume";
        Result r = run(resume);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming after epoch 1"), r.out());

        Result e = run("eval", "--checkpoint", out.resolve("checkpoint.zip").toString(), "--json");
        assertEquals(0, e.code(), e.err());
        var metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(metrics.get("test_top1").asDouble(), new ObjectMapper().readTree(e.out()).get("top1").asDouble(), 1e-12,
                "eval of the checkpoint reproduces the run's final test accuracy");

        // a trouser-like image: a bright vertical bar pair on black, drawn as an RGB PNG at another size
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(18, 4, 8, 48);
        g.fillRect(30, 4, 8, 48);
        g.dispose();
        Path file = tmp.resolve("item.png");
        ImageIO.write(img, "png", file.toFile());
        Result p = run("predict", "--checkpoint", out.resolve("checkpoint.zip").toString(), "--top-k", "2", file.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().matches("(?s).*item\\.png: .+ [01]\\.\\d{4}, .+ [01]\\.\\d{4}\\s*"), p.out());
        String first = p.out().substring(p.out().indexOf(": ") + 2);
        assertTrue(io.github.jvision.data.FashionMnist.CLASSES.stream().anyMatch(first::startsWith), p.out());

        Path notImage = Files.writeString(tmp.resolve("notes.png"), "text");
        assertUsageError(run("predict", "--checkpoint", out.resolve("checkpoint.zip").toString(), notImage.toString()),
                "notes.png: not an image");
    }
}
