package io.github.jvision.cli;

import static io.github.jvision.cli.MainTest.assertUsageError;
import static io.github.jvision.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jvision.weights.Preprocessing;
import io.github.jvision.weights.WeightsMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
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

    /**
     * {@code forward --features} writes the pooled embeddings: torchvision's classifier applied to
     * them ({@code fc.weight}, {@code fc.bias} from its file) gives torchvision's logits, which fixes
     * them (fc's 1000x512 weight has full column rank).
     */
    @Test
    void writesThePooledFeaturesTorchvisionsClassifierReads() throws Exception {
        Path out = tmp.resolve("features.npy");
        MainTest.Result r = run("forward", "--model", "resnet18", "--features", "--weights",
                FIXTURES.resolve("resnet18.pth").toString(), "--input", FIXTURES.resolve("resnet18.input.npy").toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        INDArray features = Nd4j.createFromNpyFile(out.toFile());
        assertArrayEquals(new long[]{2, 512}, features.shape());
        var sd = io.github.jvision.weights.StateDict.read(FIXTURES.resolve("resnet18.pth")).tensors();
        INDArray logits = features.mmul(sd.get("fc.weight").transpose()).addiRowVector(sd.get("fc.bias"));
        INDArray expected = Nd4j.createFromNpyFile(FIXTURES.resolve("resnet18.logits.npy").toFile());
        assertTrue(Transforms.abs(logits.sub(expected)).maxNumber().doubleValue() < 1e-4);
    }

    /**
     * predict with torchvision's weights and a sidecar: the top-5 classes of a real photograph equal
     * torchvision's through its ImageClassification preprocessing (resize 256, crop 224, normalise).
     */
    @Test
    void predictWithWeightsMatchesTorchvisionsPipeline() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(FIXTURES.resolve("predict.json").toFile());
        List<String> categories = IntStream.range(0, 1000).mapToObj(i -> "class" + i).toList();
        Path meta = tmp.resolve("resnet18.json");
        new WeightsMeta(Preprocessing.imagenet(256, 224), categories, "fixture").write(meta);
        MainTest.Result r = run("predict", "--model", "resnet18", "--weights", FIXTURES.resolve("resnet18.pth").toString(),
                "--meta", meta.toString(), "--top-k", "5", FIXTURES.resolve("astronaut.png").toString());
        assertEquals(0, r.code(), r.toString());
        String[] parts = r.out().strip().split(": ", 2)[1].split(", ");
        for (int i = 0; i < 5; i++) {
            String[] labelProb = parts[i].split(" ");
            assertEquals("class" + expected.get("top5").get(i).asInt(), labelProb[0], r.out());
            assertEquals(expected.get("probs").get(i).asDouble(), Double.parseDouble(labelProb[1]), 1e-3, r.out());
        }
        assertUsageError(run("predict", "--model", "resnet18", "--weights", FIXTURES.resolve("resnet18.pth").toString(),
                FIXTURES.resolve("astronaut.png").toString()), "no preprocessing for");
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
