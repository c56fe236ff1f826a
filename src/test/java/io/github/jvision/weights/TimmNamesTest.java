package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** timm's EfficientNet key names (timm/models/_efficientnet_blocks.py, efficientnet.py) onto torchvision's. */
class TimmNamesTest {
    /** Pairs read off the two libraries' module definitions for efficientnet_b0. */
    static final String[][] PAIRS = {
        {"conv_stem.weight", "features.0.0.weight"},
        {"bn1.running_var", "features.0.1.running_var"},
        {"blocks.0.0.conv_dw.weight", "features.1.0.block.0.0.weight"},
        {"blocks.0.0.se.conv_reduce.bias", "features.1.0.block.1.fc1.bias"},
        {"blocks.0.0.conv_pw.weight", "features.1.0.block.2.0.weight"},
        {"blocks.0.0.bn2.weight", "features.1.0.block.2.1.weight"},
        {"blocks.1.0.conv_pw.weight", "features.2.0.block.0.0.weight"},
        {"blocks.1.1.bn2.running_mean", "features.2.1.block.1.1.running_mean"},
        {"blocks.5.3.se.conv_expand.weight", "features.6.3.block.2.fc2.weight"},
        {"blocks.6.0.conv_pwl.weight", "features.7.0.block.3.0.weight"},
        {"blocks.6.0.bn3.bias", "features.7.0.block.3.1.bias"},
        {"conv_head.weight", "features.8.0.weight"},
        {"bn2.num_batches_tracked", "features.8.1.num_batches_tracked"},
        {"classifier.weight", "classifier.1.weight"},
    };

    @Test
    void knownPairs() throws WeightsFormatException {
        Map<String, INDArray> timm = new LinkedHashMap<>();
        for (String[] p : PAIRS) {
            timm.put(p[0], Nd4j.scalar(1f));
        }
        // an inverted-residual block is recognised by its conv_pwl
        for (String block : new String[]{"1.0", "1.1", "5.3", "6.0"}) {
            timm.put("blocks." + block + ".conv_pwl.weight", Nd4j.scalar(1f));
        }
        StateDict tv = TimmNames.toTorchvision(new StateDict(timm));
        for (String[] p : PAIRS) {
            assertTrue(tv.tensors().containsKey(p[1]), p[0] + " -> " + p[1] + "; got " + tv.tensors().keySet());
        }
    }

    @Test
    void renamedTimmDictLoadsStrictlyIntoEfficientNet() throws WeightsFormatException {
        ComputationGraph a = Models.create("efficientnet_b0", new ModelOptions(10, 3, 32), 1);
        StateDict torchvision = ModelWeights.stateDict(a);
        Map<String, INDArray> timm = new LinkedHashMap<>();
        torchvision.tensors().forEach((k, v) -> timm.put(toTimm(k), v));
        ComputationGraph b = Models.create("efficientnet_b0", new ModelOptions(10, 3, 32), 2);
        assertTrue(ModelWeights.load(b, TimmNames.toTorchvision(new StateDict(timm)), true).complete());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        assertEquals(a.outputSingle(false, x), b.outputSingle(false, x));
    }

    @Test
    void torchvisionNamesPassThrough() throws WeightsFormatException {
        StateDict sd = new StateDict(Map.of("conv1.weight", Nd4j.scalar(1f)));
        assertSame(sd, TimmNames.toTorchvision(sd));
    }

    /** timm's name of a torchvision EfficientNet key, written from timm's module definitions. */
    private static String toTimm(String key) {
        String[] p = key.split("\\.");
        if (key.startsWith("classifier.1.")) {
            return "classifier." + p[2];
        }
        int stage = Integer.parseInt(p[1]);
        if (stage == 0 || stage == 8) {
            String[] names = stage == 0 ? new String[]{"conv_stem", "bn1"} : new String[]{"conv_head", "bn2"};
            return names[Integer.parseInt(p[2])] + "." + p[3];
        }
        String block = "blocks." + (stage - 1) + "." + p[2] + ".";
        String part = p[4] + "." + p[5];
        String[][] names = stage == 1
                ? new String[][]{{"0.0", "conv_dw"}, {"0.1", "bn1"}, {"1.fc1", "se.conv_reduce"}, {"1.fc2", "se.conv_expand"},
                    {"2.0", "conv_pw"}, {"2.1", "bn2"}}
                : new String[][]{{"0.0", "conv_pw"}, {"0.1", "bn1"}, {"1.0", "conv_dw"}, {"1.1", "bn2"},
                    {"2.fc1", "se.conv_reduce"}, {"2.fc2", "se.conv_expand"}, {"3.0", "conv_pwl"}, {"3.1", "bn3"}};
        for (String[] n : names) {
            if (n[0].equals(part)) {
                return block + n[1] + "." + p[6];
            }
        }
        throw new IllegalArgumentException(key);
    }
}
