package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.DropPathVertex;
import io.github.jvision.nn.InputTooSmallException;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The model families of the zoo against torchvision's structure and published numbers. */
class ZooTest {

    /** torchvision's "GFLOPS" column (multiply-accumulates) at each model's native size: within 2%. */
    @ParameterizedTest
    @CsvSource({"alexnet, 0.714", "vgg11, 7.609", "vgg11_bn, 7.609", "vgg13, 11.308", "vgg13_bn, 11.308",
            "vgg16, 15.47", "vgg16_bn, 15.47", "vgg19, 19.632", "vgg19_bn, 19.632", "googlenet, 1.498",
            "inception_v3, 5.713", "resnet34, 3.664", "resnet101, 7.801",
            "efficientnet_b0, 0.386", "efficientnet_b1, 0.687", "efficientnet_b2, 1.088", "efficientnet_b3, 1.827",
            "efficientnet_b4, 4.394", "efficientnet_b5, 10.266", "efficientnet_b6, 19.068", "efficientnet_b7, 37.746"})
    void macsMatchTorchvision(String name, double gmacs) {
        double macs = Summary.of(name, ModelOptions.reference(Models.get(name))).macs() / 1e9;
        assertEquals(gmacs, macs, gmacs * 0.02);
    }

    /**
     * The channels and repeats per stage, stem and head, read back from the built graph, against
     * the table computed with torchvision's rounding rules (reference, section 3.1).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "efficientnet_b0 | 32 | 16x1 24x2 40x2 80x3 112x3 192x4 320x1 | 1280",
            "efficientnet_b7 | 64 | 32x4 48x7 80x7 160x10 224x10 384x13 640x4 | 2560"})
    void efficientNetStageTable(String name, int stem, String stages, int head) {
        var conf = Models.configure(name, new ModelOptions(1000, 3, 64));
        assertEquals(stem, nOut(conf, "features.0.0"));
        String[] expected = stages.split(" ");
        for (int stage = 1; stage <= 7; stage++) {
            int repeats = 0;
            while (conf.getVertices().containsKey("features." + stage + "." + repeats + ".block.0.0")) {
                repeats++;
            }
            String last = "features." + stage + "." + (repeats - 1) + ".block.";
            int project = conf.getVertices().containsKey(last + "3.0") ? 3 : 2; // MBConv1 has no expansion
            assertEquals(expected[stage - 1], nOut(conf, last + project + ".0") + "x" + repeats, "stage " + stage);
        }
        assertEquals(head, nOut(conf, "features.8.0"));
    }

    /** SE squeezes to max(1, block input / 4): 16 / 4 = 4 in B0's first MBConv6, not the expanded 96 / 4. */
    @Test
    void squeezeWidthComesFromTheBlockInput() {
        var conf = Models.configure("efficientnet_b0", new ModelOptions(1000, 3, 224));
        assertEquals(96, nOut(conf, "features.2.0.block.0.0"));
        assertEquals(4, nOut(conf, "features.2.0.block.2.fc1"));
        assertEquals(96, nOut(conf, "features.2.0.block.2.fc2"));
        assertEquals(8, nOut(conf, "features.1.0.block.1.fc1"), "stem 32 / 4");
    }

    /** Known fault C16: B0's schedule over 16 blocks, block 0 -> 0, block 15 -> 0.1875, and in the graph. */
    @Test
    void stochasticDepthRisesLinearly() {
        assertEquals(0.0, EfficientNet.stochasticDepth(0, 16));
        assertEquals(0.1875, EfficientNet.stochasticDepth(15, 16), 1e-12);
        var v = Models.configure("efficientnet_b0", new ModelOptions(1000, 3, 224)).getVertices();
        // block 2 = features.2.1 (first residual block), block 14 = features.6.3
        assertEquals(new DropPathVertex(0.2 * 2 / 16), v.get("features.2.1.stochastic_depth"));
        assertEquals(new DropPathVertex(0.2 * 14 / 16), v.get("features.6.3.stochastic_depth"));
        assertFalse(v.containsKey("features.2.0.stochastic_depth"), "no residual where the stride is 2");
    }

    /** Known fault C16: at inference an EfficientNet is deterministic. */
    @Test
    void efficientNetInferenceIsDeterministic() {
        var net = Models.create("efficientnet_b0", new ModelOptions(10, 3, 32), 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 32, 32);
        assertEquals(net.outputSingle(false, x), net.outputSingle(false, x));
    }

    /** Compound scaling: phi = 0 is B0, phi = 1 has B2's width 1.1 and depth 1.2 (so its parameters), at 258 px. */
    @Test
    void compoundScaling() {
        var s = EfficientNet.Scaling.compound(1);
        assertEquals(1.1, s.width(), 1e-12);
        assertEquals(1.2, s.depth(), 1e-12);
        assertEquals(258, s.resolution()); // round(224 * 1.15)
        assertEquals(5288548, Summary.of("efficientnet_phi0", new ModelOptions(1000, 3, 224)).params());
        assertEquals(9109994, Summary.of("efficientnet_phi1", new ModelOptions(1000, 3, 258)).params());
        assertEquals("efficientnet_phi1.5", Models.get("efficientnet_phi1.5").modelName());
        assertThrows(UnknownModelException.class, () -> Models.get("efficientnet_phix"));
    }

    /**
     * torchvision's documented minimum sizes: AlexNet 63, VGG 32, GoogLeNet 15, Inception v3 75.
     * Inception v3's auxiliary head needs a 17x17 grid at Mixed_6e (a 5x5/3 pool, then a 5x5 conv),
     * so 299 with it: torchvision 0.14 in training mode fails at every size from 200 to 298.
     */
    @ParameterizedTest
    @CsvSource({"alexnet, 63, false", "vgg11, 32, false", "vgg16_bn, 32, false", "googlenet, 15, false",
            "inception_v3, 75, false", "inception_v3, 299, true"})
    void tooSmallInputsNameTheMinimum(String name, int min, boolean aux) {
        Models.configure(name, new ModelOptions(10, 3, min).withAuxLogits(aux));
        var e = assertThrows(InputTooSmallException.class,
                () -> Models.configure(name, new ModelOptions(10, 3, min - 1).withAuxLogits(aux)));
        assertTrue(e.getMessage().startsWith(name + " needs inputs of at least " + min + "x" + min + " pixels square; got "
                + (min - 1) + "x" + (min - 1)), e.getMessage());
        assertNotNull(e.layer());
    }

    /** Known fault C12: Inception v3's branch pools count padding in the divisor, as torchvision's F.avg_pool2d. */
    @Test
    void inceptionAveragePoolsCountPadding() {
        var conf = Models.configure("inception_v3", new ModelOptions(1000, 3, 299));
        List<String> pools = new ArrayList<>();
        conf.getVertices().forEach((name, v) -> {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof SubsamplingLayer p
                    && name.endsWith("avg_pool")) {
                assertTrue(p.isAvgPoolIncludePadInDivisor(), name);
                pools.add(name);
            }
        });
        assertEquals(List.of("Mixed_5b.avg_pool", "Mixed_5c.avg_pool", "Mixed_5d.avg_pool", "Mixed_6b.avg_pool",
                "Mixed_6c.avg_pool", "Mixed_6d.avg_pool", "Mixed_6e.avg_pool", "Mixed_7b.avg_pool", "Mixed_7c.avg_pool"), pools);
        // [1,1,3,3] ones, 3x3 pool, stride 1, padding 1: corners 4/9, edges 6/9, centre 1 (count_include_pad=True)
        INDArray y = single(3, s -> Blocks.avgPool(s, "pool", s.input("input", InputType.convolutional(3, 3, 1)), 3, 1, 1).name())
                .outputSingle(Nd4j.ones(DataType.FLOAT, 1, 1, 3, 3));
        assertArrayEquals(new float[]{4 / 9f, 6 / 9f, 4 / 9f, 6 / 9f, 1, 6 / 9f, 4 / 9f, 6 / 9f, 4 / 9f},
                y.reshape(9).toFloatVector(), 1e-6f);
    }

    /** GoogLeNet's ceil-mode pool: 0..15 on 4x4, 3x3 stride 2 gives 2x2 = [10, 11, 14, 15] (floor mode: 1x1). */
    @Test
    void ceilModeMaxPool() {
        INDArray y = single(4, s -> Blocks.maxPoolCeil(s, "pool", s.input("input", InputType.convolutional(4, 4, 1)), 3, 2).name())
                .outputSingle(Nd4j.arange(16).castTo(DataType.FLOAT).reshape(1, 1, 4, 4));
        assertArrayEquals(new float[]{10, 11, 14, 15}, y.reshape(4).toFloatVector(), 0);
        // in ceil mode a 3x3 window may overhang a 2x2 input: one output, the max of all four
        INDArray small = single(2, s -> Blocks.maxPoolCeil(s, "pool", s.input("input", InputType.convolutional(2, 2, 1)), 3, 2).name())
                .outputSingle(Nd4j.arange(4).castTo(DataType.FLOAT).reshape(1, 1, 2, 2));
        assertArrayEquals(new float[]{3}, small.reshape(1).toFloatVector(), 0);
        // GoogLeNet at 224: 112 -> 56 -> 28 -> 14 -> 7, as torchvision
        var s = Summary.of("googlenet", new ModelOptions(1000, 3, 224));
        assertArrayEquals(new long[]{480, 14, 14}, row(s, "maxpool3").output());
        assertArrayEquals(new long[]{832, 7, 7}, row(s, "maxpool4").output());
    }

    /** Torchvision's module paths, as weight files name them. */
    @Test
    void layerNamesAreTorchvisionModulePaths() {
        assertNames("alexnet", "features.0", "features.3", "features.10", "classifier.1", "classifier.4", "classifier.6");
        assertNames("vgg16", "features.0", "features.28", "classifier.0", "classifier.3", "classifier.6");
        assertNames("vgg16_bn", "features.0", "features.1", "features.41", "classifier.6");
        assertNames("googlenet", "conv1.conv", "conv1.bn", "inception3a.branch2.1.conv", "inception5b.branch4.1.bn", "fc");
        assertNames("inception_v3", "Conv2d_1a_3x3.conv", "Mixed_5b.branch5x5_2.bn", "Mixed_6e.branch7x7dbl_5.conv",
                "Mixed_7c.branch3x3dbl_3b.conv", "fc");
        assertNames("efficientnet_b0", "features.0.0", "features.0.1", "features.1.0.block.0.0", "features.1.0.block.1.fc1",
                "features.2.0.block.3.1", "features.8.0", "classifier.1");
    }

    private static void assertNames(String model, String... names) {
        var v = Models.configure(model, ModelOptions.reference(Models.get(model))).getVertices().keySet();
        for (String n : names) {
            assertTrue(v.contains(n), model + ": " + n);
        }
    }

    /** One model per family, on small inputs: forward shape, finite output, a gradient for every parameter. */
    @ParameterizedTest
    @CsvSource({"alexnet, 64", "vgg11_bn, 32", "googlenet, 32", "inception_v3, 299", "efficientnet_b0, 32",
            "efficientnet_phi0.5, 32"})
    void everyFamilyTrainsOnSmallInputs(String name, int size) {
        var o = new ModelOptions(5, 1, size).withAuxLogits(true);
        ComputationGraph net = Models.create(name, o, 1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, size, size);
        INDArray[] out = net.output(false, x);
        assertArrayEquals(new long[]{2, 5}, out[0].shape());
        INDArray y = Nd4j.create(new float[][]{{1, 0, 0, 0, 0}, {0, 0, 0, 1, 0}});
        INDArray[] labels = new INDArray[out.length];
        java.util.Arrays.fill(labels, y);
        net.setInputs(x);
        net.setLabels(labels);
        net.computeGradientAndScore();
        assertTrue(Double.isFinite(net.score()));
        for (var e : net.gradient().gradientForVariable().entrySet()) {
            if (!e.getKey().endsWith("_mean") && !e.getKey().endsWith("_var")) {
                assertTrue(e.getValue().amaxNumber().doubleValue() > 0, name + ": no gradient for " + e.getKey());
            }
        }
        net.fit(new MultiDataSet(new INDArray[]{x}, labels)); // one step, auxiliary heads included
    }

    /** Custom vertices and SiLU survive a save and load; the loaded model gives the same output. */
    @Test
    void efficientNetSavesAndLoads(@TempDir Path dir) throws Exception {
        var net = Models.create("efficientnet_b0", new ModelOptions(3, 1, 32), 5);
        Path file = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, file.toFile(), false);
        var back = ModelSerializer.restoreComputationGraph(file.toFile(), false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32);
        assertEquals(net.outputSingle(false, x), back.outputSingle(false, x));
    }

    static List<String> allNames() {
        return Models.names();
    }

    /** Every registered model at its native size and reference classes: output [1, classes], finite. */
    @Tag("slow")
    @ParameterizedTest
    @MethodSource("allNames")
    void everyModelRunsAtItsNativeSize(String name) {
        Architecture a = Models.get(name);
        ComputationGraph net = Models.create(name, ModelOptions.reference(a), 1);
        INDArray y = net.outputSingle(false, Nd4j.rand(DataType.FLOAT, 1, 3, a.nativeSize(), a.nativeSize()));
        assertArrayEquals(new long[]{1, a.defaultClasses()}, y.shape());
        assertFalse(y.isNaN().any() || y.isInfinite().any());
        assertEquals(1.0, y.sumNumber().doubleValue(), 1e-4, "softmax probabilities");
    }

    private static ComputationGraph single(int size, java.util.function.Function<Scope, String> body) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        g.setOutputs(body.apply(Scope.root(g)));
        var net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static Summary.Row row(Summary s, String name) {
        return s.layers().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static long nOut(ComputationGraphConfiguration conf, String name) {
        Layer l = ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
        return ((ConvolutionLayer) l).getNOut();
    }
}
