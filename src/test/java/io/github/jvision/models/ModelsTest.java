package io.github.jvision.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModelsTest {

    /** torchvision's num_params (ImageNet, 1000 classes); CIFAR counts hand-computed for 10 classes (see below). */
    @ParameterizedTest
    @CsvSource({
            "alexnet, 1000, 3, 224, 61100840",
            "vgg11, 1000, 3, 224, 132863336",
            "vgg11_bn, 1000, 3, 224, 132868840",
            "vgg13, 1000, 3, 224, 133047848",
            "vgg13_bn, 1000, 3, 224, 133053736",
            "vgg16, 1000, 3, 224, 138357544",
            "vgg16_bn, 1000, 3, 224, 138365992",
            "vgg19, 1000, 3, 224, 143667240",
            "vgg19_bn, 1000, 3, 224, 143678248",
            "googlenet, 1000, 3, 224, 6624904",
            "efficientnet_b0, 1000, 3, 224, 5288548",
            "efficientnet_b1, 1000, 3, 240, 7794184",
            "efficientnet_b2, 1000, 3, 288, 9109994",
            "efficientnet_b3, 1000, 3, 300, 12233232",
            "efficientnet_b4, 1000, 3, 380, 19341616",
            "efficientnet_b5, 1000, 3, 456, 30389784",
            "efficientnet_b6, 1000, 3, 528, 43040704",
            "efficientnet_b7, 1000, 3, 600, 66347960",
            "resnet18, 1000, 3, 224, 11689512",
            "resnet34, 1000, 3, 224, 21797672",
            "resnet50, 1000, 3, 224, 25557032",
            "resnet101, 1000, 3, 224, 44549160",
            "resnet152, 1000, 3, 224, 60192808",
            // He et al. 2015 table 6 lists 0.27M / 0.46M / 0.66M / 0.85M / 1.7M. Exact, by hand for
            // resnet20: stem 3*16*9 + 2*16 = 464; stage 1: 6 * (16*16*9 + 2*16) = 14016; stage 2:
            // 16*32*9 + 5*32*32*9 + 6*2*32 = 51072; stage 3: 32*64*9 + 5*64*64*9 + 6*2*64 = 203520;
            // fc 64*10 + 10 = 650; sum 269722. Each extra block pair per stage adds
            // 2*(2304+32) + 2*(9216+64) + 2*(36864+128) = 97216.
            "resnet20, 10, 3, 32, 269722",
            "resnet32, 10, 3, 32, 464154",
            "resnet44, 10, 3, 32, 658586",
            "resnet56, 10, 3, 32, 853018",
            "resnet110, 10, 3, 32, 1727962",
            // option A shortcuts have no parameters, so plain nets count the same
            "plain20, 10, 3, 32, 269722",
            "plain110, 10, 3, 32, 1727962",
    })
    void trainableParameterCountsMatchTheReference(String name, int classes, int channels, int size, long expected) {
        assertEquals(expected, Summary.of(name, new ModelOptions(classes, channels, size)).params());
    }

    /**
     * The auxiliary classifiers: torchvision counts Inception v3 with {@code AuxLogits}
     * (27,161,264) and GoogLeNet without (6,624,904); the other two counts are the reference's
     * sensitivity checks (23,834,568 and 13,004,888).
     */
    @ParameterizedTest
    @CsvSource({"inception_v3, 299, true, 27161264", "inception_v3, 299, false, 23834568",
            "googlenet, 224, true, 13004888", "googlenet, 224, false, 6624904"})
    void auxiliaryClassifierCounts(String name, int size, boolean aux, long expected) {
        var o = new ModelOptions(1000, 3, size).withAuxLogits(aux);
        assertEquals(expected, Summary.of(name, o).params());
        assertEquals(aux ? (name.equals("googlenet") ? 3 : 2) : 1, Models.configure(name, o).getNetworkOutputs().size());
    }

    @Test
    void initialisedParameterCountMatchesSummaryPlusBnStatistics() {
        ComputationGraph net = Models.create("resnet20", new ModelOptions(10, 1, 28));
        long bnChannels = net.getConfiguration().getVertices().values().stream()
                .filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                        && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization)
                .mapToLong(v -> ((org.deeplearning4j.nn.conf.layers.BatchNormalization)
                        ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer()).getNOut())
                .sum();
        // 1-channel stem: 269722 - 2*16*9
        assertEquals(269722 - 288 + 2 * bnChannels, net.numParams());
    }

    /** torchvision's ResNet-50 "GFLOPS" (multiply-accumulates) 4.089, ResNet-18 1.814: within 2%. */
    @ParameterizedTest
    @CsvSource({"resnet18, 1.814", "resnet50, 4.089", "resnet152, 11.514"})
    void macsMatchTorchvision(String name, double gmacs) {
        double macs = Summary.of(name, ModelOptions.reference(Models.get(name))).macs() / 1e9;
        assertEquals(gmacs, macs, gmacs * 0.02);
    }

    @Test
    void layerNamesAreTorchvisionModulePaths() {
        var names = Models.configure("resnet18", ModelOptions.reference(Models.get("resnet18"))).getVertices().keySet();
        for (String n : List.of("conv1", "bn1", "maxpool", "layer1.0.conv1", "layer1.0.bn2", "layer2.0.downsample.0",
                "layer2.0.downsample.1", "layer4.1.conv2", "fc")) {
            assertTrue(names.contains(n), n);
        }
        assertFalse(names.contains("layer1.0.downsample.0"), "no projection where the shape is unchanged");
        var bottleneck = Models.configure("resnet50", ModelOptions.reference(Models.get("resnet50"))).getVertices().keySet();
        assertTrue(bottleneck.contains("layer1.0.downsample.0"), "resnet50 projects 64 -> 256 in its first block");
        assertTrue(bottleneck.contains("layer3.5.conv3"));
    }

    static List<String> resnets() {
        return java.util.Arrays.stream(ResNet.values()).map(Architecture::modelName).toList();
    }

    /** The ResNet family on Fashion-MNIST-sized inputs (the other families: ZooTest). */
    @ParameterizedTest
    @MethodSource("resnets")
    void everyResNetRunsForwardAndEveryParameterGetsAGradient(String name) {
        var net = Models.create(name, new ModelOptions(7, 1, 28), 1);
        var x = Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28);
        var out = net.outputSingle(x);
        assertArrayEquals(new long[]{2, 7}, out.shape());
        assertFalse(out.isNaN().any() || out.isInfinite().any(), "finite output");
        net.setInputs(x);
        net.setLabels(Nd4j.create(new float[][]{{1, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 0, 0, 0}}));
        net.computeGradientAndScore();
        for (var e : net.gradient().gradientForVariable().entrySet()) {
            assertTrue(e.getValue().amaxNumber().doubleValue() > 0, name + ": no gradient for " + e.getKey());
        }
    }

    @Test
    void globalPoolModelsTakeNonSquareInputs() {
        var net = Models.create("resnet18", new ModelOptions(5, 3, 64, 96));
        assertArrayEquals(new long[]{1, 5}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 64, 96)).shape());
    }

    @Test
    void unknownNamesSuggestTheClosest() {
        var e = assertThrows(UnknownModelException.class, () -> Models.get("resnet5"));
        assertTrue(e.suggestions().contains("resnet50"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown model 'resnet5'"));
        assertEquals(java.util.List.of(), assertThrows(UnknownModelException.class, () -> Models.get("nosuch")).suggestions(),
                "no suggestions for a name that resembles none");
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ModelOptions(0, 3, 32));
        var e = assertThrows(IllegalArgumentException.class, () -> new ModelOptions(10, 4, 32));
        assertTrue(e.getMessage().contains("got 4"));
    }

    /** Known fault C22: the usual input mistakes fail before any native op, with a hint. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1,224,224,3 | channels-last",
            "1,4,224,224 | drop the alpha channel",
            "3,224,224   | missing batch dimension",
            "1,3,100,100 | resize to 224x224",
    })
    void badInputShapesAreExplained(String shape, String hint) {
        long[] s = java.util.Arrays.stream(shape.split(",")).mapToLong(Long::parseLong).toArray();
        var o = new ModelOptions(1000, 3, 224);
        var e = assertThrows(IllegalArgumentException.class, () -> o.checkInput(s));
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertTrue(e.getMessage().contains(java.util.Arrays.toString(s)), e.getMessage());
        assertTrue(e.getMessage().contains("[N, 3, 224, 224] (N, C, H, W)"), e.getMessage());
        o.checkInput(new long[]{2, 3, 224, 224});
    }

    @Test
    void theSameSeedGivesTheSameParameters() {
        var o = new ModelOptions(10, 1, 28);
        assertEquals(Models.create("resnet20", o, 9).params(), Models.create("resnet20", o, 9).params());
        assertNotEquals(Models.create("resnet20", o, 9).params(), Models.create("resnet20", o, 10).params());
    }
}
