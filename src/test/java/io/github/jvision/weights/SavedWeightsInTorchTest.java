package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.jvision.eval.Logits;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import java.io.IOException;
import io.github.jvision.Subprocess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * jvision saves a model (random weights, non-trivial BN statistics) as safetensors; torchvision
 * loads the file with {@code load_state_dict(strict=True)} and must compute the same logits
 * (src/test/python/check_saved_weights.py, run with Debian's python3-torchvision).
 */
@Tag("slow")
class SavedWeightsInTorchTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "efficientnet_b0"})
    void torchvisionLoadsWhatJvisionSaves(String name) throws IOException, InterruptedException {
        ComputationGraph model = Models.create(name, new ModelOptions(1000, 3, 64), 7);
        for (Layer l : model.getLayers()) {
            if (l.conf().getLayer() instanceof BatchNormalization) {
                long c = l.getParam("mean").length();
                l.getParam("mean").assign(Nd4j.rand(DataType.FLOAT, c).subi(0.5).muli(0.2));
                l.getParam("var").assign(Nd4j.rand(DataType.FLOAT, c).addi(0.5));
            }
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64).subi(0.5).muli(4);
        Nd4j.writeAsNumpy(x, dir.resolve("x.npy").toFile());
        Nd4j.writeAsNumpy(Logits.of(model, x), dir.resolve("logits.npy").toFile());
        SafeTensors.write(dir.resolve("w.safetensors"), ModelWeights.stateDict(model));

        Subprocess check = Subprocess.run(List.of("/usr/bin/python3", "src/test/python/check_saved_weights.py",
                dir.resolve("w.safetensors").toString(), name, dir.resolve("x.npy").toString(),
                dir.resolve("logits.npy").toString()), dir.resolve("check.log"), Duration.ofMinutes(5));
        System.out.print(check.output());
        assertEquals(0, check.exitCode(), check.output());
    }
}
