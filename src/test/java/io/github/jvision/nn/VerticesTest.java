package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The custom vertices and the blocks built on them: values against hand-computed cases, and
 * gradients against finite differences (in double precision, as DL4J's gradient checks need).
 */
class VerticesTest {
    private static DataType before;

    @BeforeAll
    static void doublePrecision() {
        before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(before, before);
    }

    /** A double-precision graph: input {@code [c, h, w]}, {@code body}, then a 3-class head on its output. */
    static ComputationGraph net(int c, int h, int w, BiFunction<Scope, Node, Node> body) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(7).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder();
        Scope root = Scope.root(g);
        Node out = body.apply(root, root.input("input", InputType.convolutional(h, w, c)));
        if (out.type() instanceof InputType.InputTypeConvolutional) {
            out = Blocks.globalAvgPool(root, "gap", out);
        }
        g.setOutputs(Blocks.output(root, "out", out, 3, 1).name());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** A graph whose output is {@code body}'s output itself (no head), for forward values. */
    static ComputationGraph bare(int c, int h, int w, BiFunction<Scope, Node, Node> body) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).graphBuilder();
        Scope root = Scope.root(g);
        g.setOutputs(body.apply(root, root.input("input", InputType.convolutional(h, w, c))).name());
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * Central finite differences against the analytic gradient, parameter by parameter, matched by
     * name ({@code layer_param}) on up to 16 entries of each. (DL4J's GradientCheckUtil labels the
     * flattened parameters in a different vertex order than a branching graph lays them out, so it
     * cannot skip batch norm's running statistics there.) Drop path's generator is reseeded before
     * every pass, so every pass draws the same mask.
     */
    static void assertGradientsCorrect(ComputationGraph net, int c, int h, int w) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, c, h, w).subi(0.5).muli(2);
        INDArray y = Nd4j.create(new double[][]{{1, 0, 0}, {0, 0, 1}});
        score(net, x, y);
        Map<String, INDArray> analytic = new HashMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> analytic.put(k, v.dup(v.ordering())));
        double eps = 1e-6;
        int checked = 0;
        for (var e : net.paramTable().entrySet()) {
            if (e.getKey().endsWith("_mean") || e.getKey().endsWith("_var")) {
                continue; // running statistics: state, not parameters
            }
            INDArray p = e.getValue();
            long n = Math.min(16, p.length());
            for (long i = 0; i < n; i++) {
                long at = i * p.length() / n;
                double value = p.getDouble(at);
                p.putScalar(at, value + eps);
                double plus = score(net, x, y);
                p.putScalar(at, value - eps);
                double minus = score(net, x, y);
                p.putScalar(at, value);
                // the score is the batch mean; DL4J's raw gradient is the batch sum (its updater divides)
                double numeric = (plus - minus) / (2 * eps) * x.size(0);
                double exact = analytic.get(e.getKey()).getDouble(at);
                double diff = Math.abs(numeric - exact);
                assertTrue(diff < 1e-8 || diff / (Math.abs(numeric) + Math.abs(exact)) < 1e-4,
                        e.getKey() + "[" + at + "]: analytic " + exact + ", numeric " + numeric);
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    private static double score(ComputationGraph net, INDArray x, INDArray y) {
        Nd4j.getRandom().setSeed(12345);
        net.setInputs(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.score();
    }

    // ---- adaptive average pooling

    /** PyTorch's windows: 3x3 -> 2x2 averages rows/cols {0,1} and {1,2}; 0..8 gives 2, 3, 5, 6 (by hand). */
    @Test
    void adaptivePoolAveragesPyTorchsWindows() {
        INDArray x = Nd4j.arange(9).castTo(DataType.DOUBLE).reshape(1, 1, 3, 3);
        INDArray y = bare(1, 3, 3, (s, in) -> Blocks.adaptiveAvgPool(s, "pool", in, 2, 2)).outputSingle(x);
        assertArrayEquals(new double[]{2, 3, 5, 6}, y.reshape(4).toDoubleVector(), 1e-12);
        // 5 -> 3: windows [0, 2), [1, 4), [3, 5) (floor(i*5/3) .. ceil((i+1)*5/3)); row means of 0..4
        INDArray row = Nd4j.arange(5).castTo(DataType.DOUBLE).reshape(1, 1, 1, 5);
        INDArray r = bare(1, 1, 5, (s, in) -> Blocks.adaptiveAvgPool(s, "pool", in, 1, 3)).outputSingle(row);
        assertArrayEquals(new double[]{0.5, 2, 3.5}, r.reshape(3).toDoubleVector(), 1e-12);
        // a 1x1 input becomes copies (VGG's 7x7 pool on a 32x32 image)
        INDArray one = Nd4j.valueArrayOf(new long[]{1, 2, 1, 1}, 4.0);
        INDArray c = bare(2, 1, 1, (s, in) -> Blocks.adaptiveAvgPool(s, "pool", in, 7, 7)).outputSingle(one);
        assertArrayEquals(new long[]{1, 2, 7, 7}, c.shape());
        assertEquals(4.0 * 98, c.sumNumber().doubleValue(), 1e-9);
    }

    @Test
    void adaptivePoolIsOmittedWhenTheSizeAlreadyFits() {
        var net = bare(2, 6, 6, (s, in) -> Blocks.adaptiveAvgPool(s, "pool",
                Blocks.conv(s, "conv", in, Conv.of(2, 1), Activation.IDENTITY), 6, 6));
        assertFalse(net.getConfiguration().getVertices().containsKey("pool"));
        assertTrue(net.getConfiguration().getVertices().containsKey("conv"));
    }

    @Test
    void adaptivePoolGradient() {
        assertGradientsCorrect(net(2, 5, 7, (s, in) -> Blocks.adaptiveAvgPool(s, "pool",
                Blocks.conv(s, "conv", in, Conv.of(3, 3).padding(1), Activation.TANH), 3, 2)), 2, 5, 7);
    }

    // ---- channel scale and squeeze-and-excitation

    @Test
    void channelScaleMultipliesEachChannel() {
        var net = bare(2, 2, 2, (s, in) -> {
            Node scales = s.layer("gap", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                    org.deeplearning4j.nn.conf.layers.PoolingType.MAX).collapseDimensions(false).build(), in);
            return s.vertex("scale", new ChannelScaleVertex(), in, scales);
        });
        // channel 0 = 1..4 (max 4), channel 1 = -1 everywhere (max -1): y = x * max over the channel
        INDArray x = Nd4j.create(new double[]{1, 2, 3, 4, -1, -1, -1, -1}, new long[]{1, 2, 2, 2});
        assertArrayEquals(new double[]{4, 8, 12, 16, 1, 1, 1, 1}, net.outputSingle(x).reshape(8).toDoubleVector(), 1e-12);
    }

    @Test
    void squeezeExcitationGradient() {
        assertGradientsCorrect(net(4, 3, 3, (s, in) -> SqueezeExcitation.build(s.child("se"), in, 2, Activation.SWISH)),
                4, 3, 3);
    }

    /** The squeeze width comes from the argument (EfficientNet: the block input / 4), not the scaled channels. */
    @Test
    void squeezeWidthIsTheGivenOne() {
        var net = bare(24, 4, 4, (s, in) -> SqueezeExcitation.build(s.child("se"), in, 4, Activation.SWISH));
        var fc1 = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) net.getLayer("se.fc1").conf().getLayer();
        var fc2 = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) net.getLayer("se.fc2").conf().getLayer();
        assertEquals(4, fc1.getNOut());
        assertEquals(24, fc2.getNOut());
        // 24*4 + 4 + 4*24 + 24 weights and biases (torchvision's SqueezeExcitation(24, 4))
        assertEquals(24 * 4 + 4 + 4 * 24 + 24, net.numParams());
    }

    // ---- drop path

    /**
     * Known fault C16: y = x + dropPath(f(x)) with f = 1 and x = 0, p = 0.2, 10,000 samples. At
     * inference every y is 1, bitwise equal across calls; in training each is 0 or 1.25, mean 1 +- 0.02,
     * zeros 0.2 +- 0.01.
     */
    @Test
    void dropPathKeepsTheExpectationAndIsIdentityAtInference() {
        var net = bare(1, 1, 1, (s, in) -> s.vertex("drop", new DropPathVertex(0.2), in));
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 10_000, 1, 1, 1);
        INDArray a = net.outputSingle(false, ones);
        assertEquals(ones, a);
        assertEquals(a, net.outputSingle(false, ones));
        INDArray t = net.outputSingle(true, ones).reshape(10_000);
        long zeros = 0;
        for (double v : t.toDoubleVector()) {
            assertTrue(v == 0 || Math.abs(v - 1.25) < 1e-12, "0 or 1/(1-p), got " + v);
            zeros += v == 0 ? 1 : 0;
        }
        assertEquals(1.0, t.meanNumber().doubleValue(), 0.02);
        assertEquals(0.2, zeros / 10_000.0, 0.01);
    }

    @Test
    void dropPathDropsWholeSamples() {
        var net = bare(3, 4, 4, (s, in) -> s.vertex("drop", new DropPathVertex(0.5), in));
        INDArray y = net.outputSingle(true, Nd4j.ones(DataType.DOUBLE, 64, 3, 4, 4));
        for (int n = 0; n < 64; n++) {
            double min = y.slice(n).minNumber().doubleValue(), max = y.slice(n).maxNumber().doubleValue();
            assertEquals(min, max, "sample " + n + " is kept or dropped as a whole");
        }
    }

    @Test
    void dropPathGradient() {
        // with the check's seed, one of the two samples is dropped and the other kept, so both paths are checked
        var drop = bare(2, 3, 3, (s, in) -> s.vertex("drop", new DropPathVertex(0.5), in));
        Nd4j.getRandom().setSeed(12345);
        INDArray kept = drop.outputSingle(true, Nd4j.ones(DataType.DOUBLE, 2, 2, 3, 3)).sum(1, 2, 3);
        assertEquals(36, kept.sumNumber().doubleValue(), 1e-9, "one sample of 18 ones kept and doubled: " + kept);
        assertGradientsCorrect(net(2, 3, 3, (s, in) -> {
            Node branch = Blocks.conv(s, "conv", in, Conv.of(2, 3).padding(1), Activation.TANH);
            return Blocks.add(s, "add", s.vertex("drop", new DropPathVertex(0.5), branch), in);
        }), 2, 3, 3);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DropPathVertex(1.0));
        assertThrows(IllegalArgumentException.class, () -> new DropPathVertex(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPoolVertex(0, 3));
    }

    // ---- blocks built on them

    /** torchvision's {@code MBConv(MBConvConfig(6, 5, 2, 16, 24, ...))} has 7,540 parameters (counted with torch). */
    @Test
    void mbConvParametersMatchTorchvision() {
        var net = bare(16, 8, 8, (s, in) -> new MBConv(6, 5, 2, 24, 0).build(s, in, Norm.DEFAULT));
        long trainable = net.getConfiguration().getVertices().values().stream()
                .filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex)
                .mapToLong(v -> io.github.jvision.models.Summary.trainableParams(
                        ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer()))
                .sum();
        assertEquals(7540, trainable);
        assertArrayEquals(new long[]{1, 24, 4, 4}, net.outputSingle(Nd4j.rand(DataType.DOUBLE, 1, 16, 8, 8)).shape());
        assertThrows(IllegalArgumentException.class, () -> new MBConv(6, 4, 1, 24, 0), "even kernel");
    }

    @Test
    void mbConvGradient() {
        // expansion, depthwise 3x3, SE, projection and a residual with drop path
        assertGradientsCorrect(net(4, 4, 4, (s, in) -> new MBConv(6, 3, 1, 4, 0.2).build(s, in, Norm.DEFAULT)), 4, 4, 4);
    }

    @Test
    void inceptionModuleGradient() {
        assertGradientsCorrect(net(3, 5, 5, (s, in) -> Inception.googlenet(s.child("inception3a"), in,
                new Norm(1e-3, 0.1), 2, 2, 3, 1, 2, 2)), 3, 5, 5);
    }

    /** Every custom vertex survives the configuration's JSON round trip (checkpoints store it). */
    @Test
    void verticesSerialiseWithTheModel() {
        ComputationGraphConfiguration conf = net(4, 4, 4, (s, in) -> {
            Node y = new MBConv(6, 3, 1, 4, 0.2).build(s, in, Norm.DEFAULT);
            return Blocks.adaptiveAvgPool(s, "pool", y, 2, 3);
        }).getConfiguration();
        var back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(new DropPathVertex(0.2), back.getVertices().get("stochastic_depth"));
        assertEquals(new ChannelScaleVertex(), back.getVertices().get("block.2.scale"));
        assertEquals(new AdaptiveAvgPoolVertex(2, 3), back.getVertices().get("pool"));
        assertEquals(conf.getVertices().keySet(), back.getVertices().keySet());
    }

    /** ND4J's swish derivative is NaN above ~44 in float32; the blocks' SiLU is finite and right. */
    @Test
    void siluDerivativeIsFiniteForLargeInputs() {
        INDArray x = Nd4j.createFromArray(-100f, -10f, 0f, 10f, 50f, 100f);
        INDArray d = new SiLU().backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
        // d/dx x sigmoid(x) = s (1 + x (1 - s)): 0.5 at 0, -> 1 for large x, -> 0 for very negative x
        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            double v = x.getDouble(i), s = 1 / (1 + Math.exp(-v));
            expected[i] = (float) (s * (1 + v * (1 - s)));
        }
        assertArrayEquals(expected, d.toFloatVector(), 1e-6f);
        assertEquals(0.5f, d.getFloat(2), 0);
        assertEquals(50f * (float) (1 / (1 + Math.exp(-50))), new SiLU().getActivation(x.dup(), false).getFloat(4), 1e-4f);
    }
}
