package io.github.jvision.cli;

import static io.github.jvision.cli.MainTest.assertUsageError;
import static io.github.jvision.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code jvision forward} on torchvision's own weights and input (the weight-parity fixtures of
 * src/test/python/make_weight_fixtures.py): the written logits equal torchvision's.
 */
class ForwardCommandTest {
    static final Path FIXTURES = Path.of("target/test-fixtures/weights");

    @TempDir
    Path tmp;

    @Test
    void writesTorchvisionsLogits() {
        Path out = tmp.resolve("logits.npy");
        MainTest.Result r = run("forward", "--model", "resnet18", "--weights", FIXTURES.resolve("resnet18.pth").toString(),
                "--input", FIXTURES.resolve("resnet18.input.npy").toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        INDArray logits = Nd4j.createFromNpyFile(out.toFile());
        INDArray expected = Nd4j.createFromNpyFile(FIXTURES.resolve("resnet18.logits.npy").toFile());
        assertArrayEquals(new long[]{2, 1000}, logits.shape());
        assertTrue(Transforms.abs(logits.sub(expected)).maxNumber().doubleValue() < 1e-4);
    }

    @Test
    void badInputsAreOneLineUsageErrors() throws Exception {
        String w = FIXTURES.resolve("resnet18.pth").toString();
        String x = FIXTURES.resolve("resnet18.input.npy").toString();
        String out = tmp.resolve("y.npy").toString();
        assertUsageError(run("forward", "--model", "resnet50", "--weights", w, "--input", x, "--output", out),
                "shape mismatch");
        assertUsageError(run("forward", "--model", "resnet18", "--weights", tmp.resolve("none.pth").toString(),
                "--input", x, "--output", out), "none.pth");
        Path rank3 = tmp.resolve("rank3.npy");
        Nd4j.writeAsNumpy(Nd4j.zeros(DataType.FLOAT, 3, 8, 8), rank3.toFile());
        assertUsageError(run("forward", "--model", "resnet18", "--weights", w, "--input", rank3.toString(),
                "--output", out), "expected an array [N, C, H, W]; got shape [3, 8, 8]");
        Path text = Files.writeString(tmp.resolve("text.npy"), "not numpy");
        assertUsageError(run("forward", "--model", "resnet18", "--weights", w, "--input", text.toString(),
                "--output", out), "not a readable NumPy");
        Path notWeights = Files.writeString(tmp.resolve("w.safetensors"), "garbage!");
        assertUsageError(run("forward", "--model", "resnet18", "--weights", notWeights.toString(), "--input", x,
                "--output", out), "not a valid safetensors file");
    }
}
