package io.github.jvision.nn;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Summary;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Output shapes and parameter counts of single blocks, against PyTorch's size formula and hand counts. */
class BlocksTest {

    private static ComputationGraph graph(int c, int h, int w, BiFunction<Scope, Node, Node> body) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(g);
        Node out = body.apply(root, root.input("input", InputType.convolutional(h, w, c)));
        g.setOutputs(out.name());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static long[] outShape(ComputationGraph net, int c, int h, int w) {
        return net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, c, h, w)).shape();
    }

    @ParameterizedTest
    @CsvSource({
            // k, stride, pad, in, expected out = floor((in + 2p - k) / s) + 1
            "7, 2, 3, 224, 112",
            "3, 2, 1, 7, 4",
            "3, 1, 1, 28, 28",
            "1, 2, 0, 28, 14",
    })
    void convOutputSizeFollowsPyTorch(int k, int s, int p, int in, int out) {
        var net = graph(3, in, in, (sc, x) -> Blocks.convBnAct(sc, "conv", "bn", x, 8, k, s, p, Activation.RELU));
        assertArrayEquals(new long[]{2, 8, out, out}, outShape(net, 3, in, in));
    }

    @Test
    void convBnActAppliesTheActivation() {
        var net = graph(3, 8, 8, (sc, x) -> Blocks.convBnAct(sc, "conv", "bn", x, 4, 3, 1, 1, Activation.RELU));
        var y = net.outputSingle(Nd4j.randn(DataType.FLOAT, 2, 3, 8, 8));
        assertEquals(0.0, y.minNumber().doubleValue(), 0, "ReLU output: no negatives, and some zeros");
        assertNotNull(net.getLayer("bn_relu"));
        // conv 3*4*9 = 108 weights, no bias; BN gamma + beta = 8 (+ 8 running statistics, not trainable)
        assertEquals(108 + 8 + 8, net.numParams());
    }

    @Test
    void maxPoolAndGlobalPoolShapes() {
        var net = graph(4, 112, 112, (sc, x) -> Blocks.maxPool(sc, "maxpool", x, 3, 2, 1));
        assertArrayEquals(new long[]{2, 4, 56, 56}, outShape(net, 4, 112, 112));
        var gap = graph(4, 7, 5, (sc, x) -> Blocks.globalAvgPool(sc, "avgpool", x));
        assertArrayEquals(new long[]{2, 4}, outShape(gap, 4, 7, 5));
    }

    @Test
    void avgPoolCountsPaddingInTheDivisorAsPyTorch() {
        // known fault C12: all-ones 3x3, avg 3x3 stride 1 pad 1, count_include_pad=True:
        // corners 4/9, edges 6/9, centre 1
        var net = graph(1, 3, 3, (sc, x) -> Blocks.avgPool(sc, "pool", x, 3, 1, 1));
        var y = net.outputSingle(Nd4j.ones(DataType.FLOAT, 1, 1, 3, 3));
        assertEquals(4 / 9.0, y.getDouble(0, 0, 0, 0), 1e-6);
        assertEquals(6 / 9.0, y.getDouble(0, 0, 0, 1), 1e-6);
        assertEquals(1.0, y.getDouble(0, 0, 1, 1), 1e-6);
    }

    @ParameterizedTest
    @CsvSource({
            // block, in, planes, stride, shortcut, out C, out H, trainable params (hand count)
            // basic 64->64: 2 * (64*64*9 + 2*64) = 73984
            "BASIC, 64, 64, 1, B, 64, 16, 73984",
            // basic 64->128 /2 with projection: 64*128*9 + 128*128*9 + 2*2*128 + 64*128 + 2*128 = 230144
            "BASIC, 64, 128, 2, B, 128, 8, 230144",
            // option A: same without projection: 64*128*9 + 128*128*9 + 4*128 = 221696
            "BASIC, 64, 128, 2, A, 128, 8, 221696",
            // option C projects even when the shape is unchanged: 73984 + 64*64 + 128 = 78208
            "BASIC, 64, 64, 1, C, 64, 16, 78208",
            // bottleneck 64 -> 256: 64*64 + 64*64*9 + 64*256 + 2*(64+64+256) + 64*256 + 2*256 = 75008
            "BOTTLENECK, 64, 64, 1, B, 256, 16, 75008",
            // plain: the two convolutions and BNs only: 16*32*9 + 32*32*9 + 2*2*32 = 13952
            "BASIC, 16, 32, 2, NONE, 32, 8, 13952",
    })
    void residualBlocks(Residual block, int in, int planes, int stride, Shortcut shortcut, int outC, int outH,
                        long params) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
        Scope root = Scope.root(g);
        Node out = block.build(root.child("layer1").child(0), root.input("input", InputType.convolutional(16, 16, in)),
                planes, stride, shortcut);
        g.setOutputs(out.name());
        ComputationGraphConfiguration conf = g.build();
        assertEquals(outC, out.channels());
        long trainable = conf.getVertices().values().stream()
                .filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex)
                .mapToLong(v -> Summary.trainableParams(((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer()))
                .sum();
        assertEquals(params, trainable);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        assertArrayEquals(new long[]{2, outC, outH, outH}, outShape(net, in, 16, 16));
        assertTrue(conf.getVertices().containsKey("layer1.0.conv1"));
        assertEquals(shortcut == Shortcut.C || (shortcut == Shortcut.B && (stride != 1 || in != outC)),
                conf.getVertices().containsKey("layer1.0.downsample.0"));
    }

    @Test
    void classifierHeadWithDropout() {
        var net = graph(8, 4, 4, (sc, x) -> Blocks.classifierHead(sc, x, 5, 0.2));
        var y = net.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 8, 4, 4));
        assertArrayEquals(new long[]{3, 5}, y.shape());
        assertEquals(3.0, y.sumNumber().doubleValue(), 1e-5);
        assertEquals(8 * 5 + 5, net.numParams());
        assertNotNull(net.getLayer("dropout"));
    }

    @Test
    void summaryShapesMatchTheRealForwardPass() {
        var s = Summary.of("resnet20", new ModelOptions(10, 3, 32));
        // He et al. 2015 section 4.2: feature maps 32, 16, 8 with 16, 32, 64 filters
        assertArrayEquals(new long[]{16, 32, 32}, row(s, "layer1.2.relu"));
        assertArrayEquals(new long[]{32, 16, 16}, row(s, "layer2.0.shortcut"));
        assertArrayEquals(new long[]{64, 8, 8}, row(s, "layer3.2.relu"));
        var net = io.github.jvision.models.Models.create("resnet20", new ModelOptions(10, 3, 32), 1);
        var acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32), false);
        assertArrayEquals(new long[]{1, 64, 8, 8}, acts.get("layer3.2.relu").shape());
    }

    private static long[] row(Summary s, String name) {
        return s.layers().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().output();
    }

    @Test
    void maxPoolPaddingNeverWins() {
        // all -1 input: PyTorch pads max pooling with -inf, so every output is -1, never a padded 0
        var net = graph(1, 4, 4, (sc, x) -> Blocks.maxPool(sc, "maxpool", x, 3, 2, 1));
        var y = net.outputSingle(Nd4j.ones(DataType.FLOAT, 1, 1, 4, 4).neg());
        assertEquals(-1.0, y.maxNumber().doubleValue(), 0);
    }

    /**
     * Known fault C10 (b): PyTorch's BN momentum 0.1 is DL4J's decay 0.9. One training step on a
     * batch whose single pixel values are 0 and 2 (batch mean 1) moves the running mean from 0 to
     * 0.1, not 0.9.
     */
    @Test
    void batchNormRunningStatisticsFollowPyTorchMomentum() {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.0)).graphBuilder();
        Scope root = Scope.root(g);
        Node bn = Blocks.bn(root, "bn", root.input("input", InputType.convolutional(1, 1, 1)), Norm.DEFAULT,
                Activation.IDENTITY);
        Node out = Blocks.classifierHead(root, bn, 2, 0);
        g.setOutputs(out.name());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        var x = Nd4j.create(new float[]{0, 2}, new long[]{2, 1, 1, 1});
        var y = Nd4j.create(new float[][]{{1, 0}, {0, 1}});
        net.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        var params = net.getLayer("bn").paramTable();
        assertEquals(0.1, params.get("mean").getDouble(0), 1e-6);
        // running variance: 0.9 * 1 + 0.1 * batch variance; DL4J uses the biased batch variance (1.0),
        // PyTorch the unbiased one (2.0, giving 1.1)
        assertEquals(1.0, params.get("var").getDouble(0), 1e-6);
    }
}
