package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jvision.Fixtures;
import io.github.jvision.eval.Logits;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.onednn.CompiledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Loads torchvision's own state dicts (random weights, non-trivial BN statistics, saved by
 * {@code torch.save}; see src/test/python/make_weight_fixtures.py) into jvision's models and checks
 * that the logits equal torchvision's on the same input within 1e-4.
 */
@Tag("slow")
class TorchvisionWeightsParityTest {
    static final Path DIR = Path.of("target/test-fixtures/weights");
    static final double TOLERANCE = 1e-4;

    static Stream<JsonNode> models() throws IOException {
        return Fixtures.manifest(DIR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsEqualTorchvision(JsonNode fixture) throws IOException {
        String name = fixture.get("model").asText();
        int size = fixture.get("size").asInt();
        ComputationGraph model = Models.create(name, new ModelOptions(1000, 3, size));
        LoadReport report = ModelWeights.load(model, TorchCheckpoint.read(DIR.resolve(name + ".pth")), true);
        assertTrue(report.complete(), report::toString);

        INDArray x = Nd4j.createFromNpyFile(DIR.resolve(name + ".input.npy").toFile());
        INDArray expected = Nd4j.createFromNpyFile(DIR.resolve(name + ".logits.npy").toFile());
        INDArray logits = Logits.of(model, x);
        double maxDiff = Transforms.abs(logits.sub(expected)).maxNumber().doubleValue();
        System.out.printf(Locale.ROOT, "%s: max |logit - torchvision| = %.3g (max |logit| %.2f)%n",
                name, maxDiff, expected.amaxNumber().doubleValue());
        assertEquals(expected.shape()[1], logits.shape()[1]);
        assertTrue(maxDiff < TOLERANCE, name + ": max abs difference " + maxDiff);

        // the same network with BN folded into its convolutions: the same logits
        ComputationGraph fused = io.github.jvision.models.Inference.fuseBatchNorm(model);
        INDArray fusedLogits = Logits.of(fused, x);
        double fusedDiff = Transforms.abs(fusedLogits.sub(expected)).maxNumber().doubleValue();
        double vsUnfused = Transforms.abs(fusedLogits.sub(logits)).maxNumber().doubleValue();
        double probDiff = Transforms.abs(fused.outputSingle(x).sub(model.outputSingle(x))).maxNumber().doubleValue();
        System.out.printf(Locale.ROOT, "%s fused: %d -> %d layers; max |logit - torchvision| = %.3g, "
                        + "max |logit - unfused| = %.3g, max |probability - unfused| = %.3g%n", name,
                model.getLayers().length, fused.getLayers().length, fusedDiff, vsUnfused, probDiff);
        // folding rounds the products W * s to float32 once, so the fused logits may move by a few
        // 1e-5 more than the unfused ones (logits here are about 5 in size)
        assertTrue(fusedDiff < 2.5 * TOLERANCE, name + " fused: max abs difference " + fusedDiff);
        assertTrue(probDiff < 1e-5, name + " fused: probabilities differ by " + probDiff);

        // compiled inference (oneDNN, blocked layouts, fused post-ops): torchvision's logits too
        try (CompiledModel compiled = CompiledModel.compile(model)) {
            double compiledDiff = Transforms.abs(compiled.logits(x)[0].sub(expected)).maxNumber().doubleValue();
            System.out.printf(Locale.ROOT, "%s compiled: max |logit - torchvision| = %.3g%n", name, compiledDiff);
            assertTrue(compiledDiff < 2.5 * TOLERANCE, name + " compiled: max abs difference " + compiledDiff);
        }
    }
}
