package io.github.jvision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.weights.LoadReport;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.StateDict;
import io.github.jvision.weights.WeightsMismatchException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Fine-tuning: a new head for K classes, backbone weights loaded, frozen layers untouched by training. */
class FineTuneTest {
    static final ModelOptions PRETRAINED = new ModelOptions(10, 1, 28);
    static final ModelOptions TASK = new ModelOptions(3, 1, 28);

    private static StateDict pretrained(String model) {
        ComputationGraph a = Models.create(model, PRETRAINED, 1);
        a.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7)));
        return ModelWeights.stateDict(a);
    }

    private static ComputationGraph frozenUntilLayer2(List<String> frozen) {
        ComputationGraphConfiguration conf = Models.configure("resnet20", TASK);
        Trainer.configure(conf, TrainConfig.defaults(1), 10);
        frozen.addAll(FineTune.freezeUntil(conf, "layer2"));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @Test
    void frozenLayersAndTheirBatchNormStatisticsStayBitIdentical() {
        StateDict sd = pretrained("resnet20");
        List<String> frozen = new java.util.ArrayList<>();
        ComputationGraph net = frozenUntilLayer2(frozen);
        LoadReport report = FineTune.loadBackbone(net, sd);
        assertEquals(List.of("fc.weight", "fc.bias"), report.missing(), "the classifier is not taken from the file");
        assertTrue(report.mismatched().isEmpty(), report.toString());
        assertTrue(frozen.containsAll(List.of("conv1", "bn1", "layer1.0.conv1", "layer2.2.bn2")), frozen.toString());
        assertTrue(frozen.stream().noneMatch(n -> n.startsWith("layer3") || n.startsWith("fc")), frozen.toString());
        assertEquals(sd.tensors().get("layer2.2.bn2.running_var"),
                ModelWeights.stateDict(net).tensors().get("layer2.2.bn2.running_var"), "backbone loaded");

        Map<String, INDArray> before = snapshot(net);
        for (int step = 0; step < 3; step++) {
            net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1)));
        }
        Map<String, INDArray> after = snapshot(net);
        for (String key : before.keySet()) {
            String layer = key.substring(0, key.indexOf('/'));
            if (frozen.contains(layer)) {
                assertEquals(before.get(key), after.get(key), key + " is frozen");
            }
        }
        assertNotEquals(before.get("layer3.0.conv1/W"), after.get("layer3.0.conv1/W"), "layer3 trains");
        assertNotEquals(before.get("layer3.0.bn1/mean"), after.get("layer3.0.bn1/mean"), "layer3's BN statistics update");
        assertNotEquals(before.get("fc/W"), after.get("fc/W"), "the head trains");
    }

    @Test
    void aBackboneThatDoesNotFitIsRefusedWithEveryKey() {
        StateDict deeper = pretrained("resnet32");
        ComputationGraph net = frozenUntilLayer2(new java.util.ArrayList<>());
        INDArray before = net.params().dup();
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> FineTune.loadBackbone(net, deeper));
        assertTrue(e.getMessage().contains("layer1.3.conv1.weight") && e.getMessage().contains("layer3.4.bn2.running_var"),
                e.getMessage());
        assertTrue(e.report().mismatched().isEmpty(), "the head's new shape is not a problem");
        assertEquals(before, net.params(), "nothing copied when the backbone does not fit");
    }

    @Test
    void unknownLayerNames() {
        ComputationGraphConfiguration conf = Models.configure("resnet20", TASK);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FineTune.freezeUntil(conf, "layer9"));
        assertTrue(e.getMessage().contains("no layer named layer9"), e.getMessage());
    }

    @Test
    void unfreezingKeepsEveryTensorAndTrainsTheFrozenLayers() {
        StateDict sd = pretrained("resnet20");
        ComputationGraph net = frozenUntilLayer2(new java.util.ArrayList<>());
        FineTune.loadBackbone(net, sd);
        net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1)));
        assertTrue(FineTune.hasFrozen(net));

        ComputationGraph open = FineTune.unfreeze(net);
        assertTrue(!FineTune.hasFrozen(open));
        assertEquals(ModelWeights.stateDict(net).tensors(), ModelWeights.stateDict(open).tensors(),
                "parameters and BN statistics carried over");
        assertEquals(net.getIterationCount(), open.getIterationCount(), "the schedule goes on");
        assertEquals(net.getEpochCount(), open.getEpochCount());
        INDArray conv1 = open.getLayer("conv1").getParam("W").dup();
        INDArray mean = open.getLayer("layer1.0.bn1").getParam("mean").dup();
        open.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1)));
        assertNotEquals(conv1, open.getLayer("conv1").getParam("W"), "conv1 trains after unfreezing");
        assertNotEquals(mean, open.getLayer("layer1.0.bn1").getParam("mean"), "BN statistics update again");
    }

    @Test
    void aLinearProbeFreezesAllButTheClassifier() {
        ComputationGraphConfiguration conf = Models.configure("resnet20", TASK);
        List<String> frozen = FineTune.freezeBackbone(conf);
        List<String> layers = conf.getVertices().entrySet().stream()
                .filter(e -> e.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex)
                .map(Map.Entry::getKey).filter(n -> !n.equals("fc")).sorted().toList();
        assertEquals(layers, frozen.stream().sorted().toList());
    }

    /**
     * With a zero velocity, one Nesterov step moves a parameter by (1 + momentum) * lr * gradient;
     * on the same batch from the same start, a backbone at 0.1 x lr moves exactly 0.1 times as far
     * and the classifier as far as before.
     */
    @Test
    void theBackboneLearnsAtTheScaledRate() {
        TrainConfig c = new TrainConfig(1, 8, 0.05, TrainConfig.Optimizer.SGD, 0.9, 0, 0, 0, 1, "none", 1);
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1));
        INDArray start = null;
        Map<String, INDArray> delta = new HashMap<>();
        for (double scale : new double[]{1, 0.1}) {
            ComputationGraphConfiguration conf = Models.configure("resnet20", TASK);
            Trainer.configure(conf, c, 10, scale);
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            if (start == null) {
                start = net.params().dup();
            }
            net.setParams(start);
            Map<String, INDArray> before = snapshot(net);
            net.fit(batch);
            Map<String, INDArray> after = snapshot(net);
            for (String p : List.of("conv1/W", "layer3.2.conv2/W", "fc/W")) {
                delta.put(p + "@" + scale, after.get(p).sub(before.get(p)));
            }
        }
        for (String p : List.of("conv1/W", "layer3.2.conv2/W")) {
            INDArray full = delta.get(p + "@1.0");
            assertTrue(full.norm2Number().doubleValue() > 0, p + " moved");
            assertEquals(0, full.mul(0.1).sub(delta.get(p + "@0.1")).norm2Number().doubleValue(),
                    1e-4 * full.norm2Number().doubleValue(), p + " moves 0.1 times as far");
        }
        INDArray head = delta.get("fc/W@1.0");
        assertEquals(0, head.sub(delta.get("fc/W@0.1")).norm2Number().doubleValue(),
                1e-4 * head.norm2Number().doubleValue(), "the classifier's rate is unchanged");
    }

    @Test
    void freezingTheClassifierIsRefused() {
        ComputationGraphConfiguration conf = Models.configure("resnet20", TASK);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FineTune.freezeUntil(conf, "fc"));
        assertTrue(e.getMessage().contains("would freeze the classifier [fc]"), e.getMessage());
        assertTrue(!FineTune.hasFrozen(new ComputationGraph(conf)), "nothing frozen on refusal");
    }

    /**
     * Frozen EfficientNet blocks are in inference mode, drop path included (torchvision's
     * StochasticDepth in eval() passes its input through): two training-mode passes of a linear
     * probe see the same features; unfrozen, drop path samples again.
     */
    @Test
    void frozenDropPathKeepsStill() {
        ModelOptions o = new ModelOptions(3, 3, 32);
        ComputationGraphConfiguration conf = Models.configure("efficientnet_b0", o);
        FineTune.freezeBackbone(conf);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 32, 32);
        String features = conf.getVertexInputs().get(conf.getNetworkOutputs().get(0)).get(0);
        INDArray a = net.feedForward(new INDArray[]{x}, true).get(features).dup();
        INDArray b = net.feedForward(new INDArray[]{x}, true).get(features).dup();
        assertEquals(a, b, "frozen blocks drop nothing in training");

        ComputationGraph open = FineTune.unfreeze(net);
        INDArray c = open.feedForward(new INDArray[]{x}, true).get(features).dup();
        INDArray d = open.feedForward(new INDArray[]{x}, true).get(features).dup();
        assertNotEquals(c, d, "unfrozen, drop path is random again");
    }

    /** Checkpoints written before fine-tuning existed have no "fineTune" entry: they load as runs from scratch. */
    @Test
    void metadataWithoutAPlanReadsAsARunFromScratch() throws Exception {
        var meta = new Checkpoint.Meta("resnet20", TASK, List.of("a", "b", "c"), new float[]{0.5f}, new float[]{0.25f},
                "t", TrainConfig.defaults(1), 1, List.of(), null);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Checkpoint.JSON.valueToTree(meta);
        assertTrue(json.remove("fineTune") != null);
        Checkpoint.Meta old = Checkpoint.JSON.treeToValue(json, Checkpoint.Meta.class);
        assertEquals(null, old.fineTune());
        assertEquals(List.of("a", "b", "c"), old.classes());
    }

    private static Map<String, INDArray> snapshot(ComputationGraph net) {
        Map<String, INDArray> out = new HashMap<>();
        for (Layer l : net.getLayers()) {
            String name = l.conf().getLayer() instanceof FrozenLayer f
                    ? f.getLayer().getLayerName() : l.conf().getLayer().getLayerName();
            l.paramTable().forEach((k, v) -> out.put(name + "/" + k, v.dup()));
        }
        return out;
    }
}
