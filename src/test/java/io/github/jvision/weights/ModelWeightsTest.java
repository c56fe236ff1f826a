package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Norm;
import io.github.jvision.nn.Scope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Mapping torchvision state dicts onto models: BN conventions (known fault C10), reports, round trips. */
class ModelWeightsTest {
    @TempDir
    Path dir;

    private static ComputationGraph bnNet(Norm norm, boolean logStd) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(g);
        Node x = root.input("input", InputType.convolutional(1, 1, 1));
        Node y = logStd
                ? root.layer("bn", new BatchNormalization.Builder().eps(norm.eps()).useLogStd(true).nOut(1).build(), x)
                : Blocks.bn(root, "bn", x, norm, Activation.IDENTITY);
        g.setOutputs(y.name());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** One channel: gamma 1, beta 0, running mean 0, running var 0.01, as PyTorch saves them. */
    private static StateDict pytorchBn() {
        return new StateDict(Map.of("bn.weight", Nd4j.createFromArray(1f), "bn.bias", Nd4j.createFromArray(0f),
                "bn.running_mean", Nd4j.createFromArray(0f), "bn.running_var", Nd4j.createFromArray(0.01f),
                "bn.num_batches_tracked", Nd4j.scalar(0L)));
    }

    private static double inferAt(ComputationGraph net, float x) {
        return net.outputSingle(false, Nd4j.create(new float[]{x}, new long[]{1, 1, 1, 1})).getDouble(0);
    }

    /** C10 (a): x = 0.1 gives 0.1 / sqrt(0.01 + eps): 0.999500 with PyTorch's eps, 0.953463 with Keras'. */
    @Test
    void importedBatchNormKeepsItsEpsilon() {
        ComputationGraph torch = bnNet(Norm.DEFAULT, false);
        assertTrue(ModelWeights.load(torch, pytorchBn(), true).complete());
        assertEquals(0.999500, inferAt(torch, 0.1f), 1e-6);
        ComputationGraph keras = bnNet(new Norm(1e-3, 0.1), false);
        ModelWeights.load(keras, pytorchBn(), true);
        assertEquals(0.953463, inferAt(keras, 0.1f), 1e-6);
    }

    /** C10 (c): a layer that stores log10(std) gets -1.0 for running_var 0.01, and reads back 0.01. */
    @Test
    void logStdStorageIsConverted() {
        ComputationGraph net = bnNet(Norm.DEFAULT, true);
        ModelWeights.load(net, pytorchBn(), true);
        assertEquals(-1.0, net.getLayer("bn").getParam("log10stdev").getDouble(0), 1e-6);
        assertEquals(0.999500, inferAt(net, 0.1f), 1e-5);
        assertEquals(0.01, ModelWeights.stateDict(net).tensors().get("bn.running_var").getDouble(0), 1e-8);
    }

    @Test
    void strictLoadingListsEveryProblemAndChangesNothing() {
        ComputationGraph model = Models.create("resnet20", new ModelOptions(10, 3, 32), 1);
        Map<String, INDArray> t = new LinkedHashMap<>(ModelWeights.stateDict(Models.create("resnet20",
                new ModelOptions(10, 3, 32), 2)).tensors());
        t.remove("layer2.0.conv1.weight");
        t.remove("bn1.running_mean");
        t.put("head.weight", Nd4j.zeros(3));
        t.put("fc.weight", Nd4j.zeros(DataType.FLOAT, 100, 64));
        INDArray before = model.params().dup();

        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> ModelWeights.load(model, new StateDict(t), true));
        assertEquals(List.of("bn1.running_mean", "layer2.0.conv1.weight"), e.report().missing().stream().sorted().toList());
        assertEquals(List.of("head.weight"), e.report().unexpected());
        assertEquals(List.of("fc.weight: model [10, 64], file [100, 64]"), e.report().mismatched());
        for (String key : List.of("bn1.running_mean", "layer2.0.conv1.weight", "head.weight", "fc.weight")) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        assertEquals(before, model.params(), "strict failure loads nothing");

        LoadReport report = ModelWeights.load(model, new StateDict(t), false);
        assertEquals(e.report(), report);
        assertNotEquals(before, model.params(), "non-strict loading copies the keys that fit");
    }

    @Test
    void safetensorsRoundTripRestoresTheModelExactly() throws IOException {
        ComputationGraph a = Models.create("efficientnet_b0", new ModelOptions(10, 3, 32), 1);
        ComputationGraph b = Models.create("efficientnet_b0", new ModelOptions(10, 3, 32), 2);
        a.getLayer("features.0.1").getParam("mean").assign(Nd4j.rand(DataType.FLOAT, 32));
        Path f = dir.resolve("b0.safetensors");
        SafeTensors.write(f, ModelWeights.stateDict(a));
        StateDict read = SafeTensors.read(f);
        assertTrue(read.tensors().containsKey("features.1.0.block.0.0.weight"), "torchvision's keys");
        assertArrayEquals(new long[]{32, 1, 3, 3}, read.tensors().get("features.1.0.block.0.0.weight").shape(),
                "depthwise weight in PyTorch's layout");
        assertArrayEquals(new long[]{10, 1280}, read.tensors().get("classifier.1.weight").shape(),
                "linear weight as [out, in]");
        assertTrue(ModelWeights.load(b, read, true).complete());
        assertEquals(a.params(), b.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        assertEquals(a.outputSingle(false, x), b.outputSingle(false, x));
    }
}
