package io.github.jvision.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jvision.Fixtures;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.weights.LoadReport;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.StateDict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A compiled training step's loss and gradients equal torchvision's for the same weights, input
 * and labels (src/test/python/make_gradient_fixtures.py: one training-mode step computed in float64,
 * dropout and stochastic depth off), as closely as PyTorch's own float32 step does (twice its
 * error, plus 1e-3). DL4J's own step is measured against the same reference and printed.
 */
class TorchvisionGradientsTest {
    static final Path DIR = Path.of("target/test-fixtures/gradients");

    static Stream<JsonNode> models() throws IOException {
        return Fixtures.manifest(DIR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void gradientsEqualTorchvision(JsonNode fixture) throws IOException {
        String name = fixture.get("model").asText();
        int size = fixture.get("size").asInt();
        ComputationGraph net = CompiledGraphTest.withoutDropout(name, new ModelOptions(10, 3, size));
        LoadReport report = ModelWeights.load(net, ModelWeights.read(DIR.resolve(name + ".pth")), true);
        assertTrue(report.complete(), report::toString);
        INDArray x = Nd4j.createFromNpyFile(DIR.resolve(name + ".input.npy").toFile());
        INDArray labels = Nd4j.createFromNpyFile(DIR.resolve(name + ".labels.npy").toFile());
        Map<String, INDArray> expected = StateDict.read(DIR.resolve(name + ".grads.pth")).tensors();
        CompiledGraph compiled = CompiledGraph.of(net);
        double loss = fixture.get("loss").asDouble();
        double[] worst = new double[2];
        ComputationGraph[] sides = {net, compiled};
        for (int i = 0; i < 2; i++) {
            ComputationGraph g = sides[i];
            g.setInputs(x);
            g.setLabels(labels);
            g.computeGradientAndScore();
            Map<String, INDArray> got = torchKeyed(g);
            double scale = expected.values().stream().mapToDouble(t -> t.amaxNumber().doubleValue()).max().orElse(1);
            String worstKey = null;
            for (var e : expected.entrySet()) {
                INDArray a = e.getValue();
                INDArray b = got.get(e.getKey());
                // relative to the tensor, with a floor of 1e-3 of the largest gradient (sums that are 0 up to rounding)
                double rel = Transforms.abs(b.reshape(a.shape()).sub(a)).maxNumber().doubleValue()
                        / Math.max(a.amaxNumber().doubleValue(), 1e-3 * scale);
                if (rel > worst[i]) {
                    worst[i] = rel;
                    worstKey = e.getKey();
                }
            }
            System.out.printf(Locale.ROOT, "%s %s: loss %.6f (torchvision %.6f), worst gradient %.3g (%s; PyTorch float32 %.3g)%n",
                    name, i == 0 ? "DL4J" : "compiled", g.score(), loss, worst[i], worstKey, fixture.get("float32_error").asDouble());
        }
        assertEquals(loss, compiled.score(), 1e-4 * Math.max(1, loss), name + ": loss");
        double torch32 = fixture.get("float32_error").asDouble();
        assertTrue(worst[1] < 2 * torch32 + 1e-3, name + ": compiled gradients differ from torchvision's by " + worst[1]
                + " (PyTorch's float32 step: " + torch32 + ")");
        compiled.close();
    }

    /** {@code g}'s last gradients under torchvision's keys and layouts. */
    static Map<String, INDArray> torchKeyed(ComputationGraph g) {
        ComputationGraph copy = g.clone();
        copy.params().assign(g.getGradientsViewArray());
        return ModelWeights.stateDict(copy).tensors();
    }
}
