package io.github.jvision.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.TestNets;
import io.github.jvision.nn.DropPathVertex;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A compiled training step computes what DL4J's computes, checked against DL4J's step in float64
 * (the exact value, up to float64 rounding): the score, and every parameter's gradient including
 * the batch-norm running-statistics updates, for a model of every block kind (option-A shortcuts,
 * MBConv with squeeze-and-excitation and SiLU, Inception concatenations with ceil-mode pooling and
 * weighted auxiliary heads; bottlenecks are in TorchvisionGradientsTest). Dropout and drop path
 * are off here so that every side computes the same function.
 *
 * <p>The gradients are compared as one vector, by relative L2 error, below 2e-2 (or twice DL4J's
 * own float32 error): a float32 step of these networks at initialisation can flip a ReLU whose
 * input is within rounding of 0, which moves the gradients by up to a few 1e-3 (measured: compiled
 * up to 6.6e-3, DL4J's float32 step up to 3.1e-3, on other inputs; usually both about 1e-5; GoogLeNet
 * here about 1e-2 for both), while a wrong gradient anywhere moves them by far more.
 * TorchvisionGradientsTest compares on fixed inputs, tightly.
 */
class CompiledGraphTest {
    @ParameterizedTest(name = "{0} {2}x{2}")
    @CsvSource({"resnet20, 1, 28", "resnet18, 3, 64", "efficientnet_b0, 3, 64", "googlenet, 3, 64"})
    void gradientsEqualDl4jsInFloat64(String model, int channels, int size) {
        ComputationGraph net = withoutDropout(model, new ModelOptions(10, channels, size));
        TestNets.randomiseBatchNorm(net);
        CompiledGraph compiled = CompiledGraph.of(net);
        ComputationGraph exact = net.convertDataType(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, channels, size, size).subi(0.5).muli(4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        Map<String, Double> errors = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, INDArray> reference = null;
        for (ComputationGraph g : new ComputationGraph[]{exact, net, compiled}) {
            DataType t = g == exact ? DataType.DOUBLE : DataType.FLOAT;
            INDArray[] ys = new INDArray[g.getNumOutputArrays()];
            java.util.Arrays.fill(ys, labels.castTo(t));
            g.setInputs(x.castTo(t));
            g.setLabels(ys);
            g.computeGradientAndScore();
            String side = g == exact ? "DL4J float64" : g == net ? "DL4J float32" : "compiled";
            scores.put(side, g.score());
            if (g == exact) {
                reference = g.gradient().gradientForVariable();
                continue;
            }
            double total = 0;
            double diff = 0;
            for (var e : reference.entrySet()) {
                INDArray a = e.getValue().castTo(DataType.FLOAT);
                INDArray b = g.gradient().gradientForVariable().get(e.getKey()).reshape(a.shape());
                total += Math.pow(a.norm2Number().doubleValue(), 2);
                diff += Math.pow(b.sub(a).norm2Number().doubleValue(), 2);
            }
            errors.put(side, Math.sqrt(diff / total));
        }
        System.out.printf(Locale.ROOT, "%s: scores %s; gradients' relative L2 error vs float64 %s%n", model, scores, errors);
        double expected = scores.get("DL4J float64");
        assertEquals(expected, scores.get("compiled"), 1e-4 * Math.max(1, Math.abs(expected)), model + ": score");
        double bound = Math.max(2e-2, 2 * errors.get("DL4J float32"));
        assertTrue(errors.get("compiled") < bound, model + ": gradients' relative L2 error " + errors.get("compiled")
                + ", DL4J float32's " + errors.get("DL4J float32"));
        compiled.close();
    }

    /**
     * EfficientNet-B0 in training mode with its drop path (per-sample masks, up to 0.2) and
     * dropout (0.2) on: from the same generator state, the compiled step draws the same masks as
     * DL4J's forward pass (in the same order) and so computes DL4J's score and gradients. This
     * covers the compiled per-sample mask and the squeeze-and-excitation scale's gradient.
     */
    @Test
    void dropPathAndDropoutDrawDl4jsMasks() {
        ComputationGraph net = Models.create("efficientnet_b0", new ModelOptions(10, 3, 64), 7);
        TestNets.randomiseBatchNorm(net);
        CompiledGraph compiled = CompiledGraph.of(net);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 64, 64).subi(0.5).muli(4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        Map<String, INDArray> dl4j = new LinkedHashMap<>();
        double dl4jScore = 0;
        for (ComputationGraph g : new ComputationGraph[]{net, compiled}) {
            g.setInputs(x);
            g.setLabels(labels);
            Nd4j.getRandom().setSeed(42);
            g.computeGradientAndScore();
            if (g == net) {
                g.gradient().gradientForVariable().forEach((k, v) -> dl4j.put(k, v.dup()));
                dl4jScore = g.score();
                continue;
            }
            double total = 0;
            double diff = 0;
            for (var e : dl4j.entrySet()) {
                INDArray b = g.gradient().gradientForVariable().get(e.getKey()).reshape(e.getValue().shape());
                total += Math.pow(e.getValue().norm2Number().doubleValue(), 2);
                diff += Math.pow(b.sub(e.getValue()).norm2Number().doubleValue(), 2);
            }
            double error = Math.sqrt(diff / total);
            System.out.printf(Locale.ROOT, "drop path on: scores DL4J %.6f compiled %.6f, gradients' relative L2 difference %.3g%n",
                    dl4jScore, g.score(), error);
            assertEquals(dl4jScore, g.score(), 1e-4 * Math.max(1, Math.abs(dl4jScore)), "score");
            assertTrue(error < 2e-3, "gradients' relative L2 difference " + error);
        }
        compiled.close();
    }

    /** {@code model} with dropout and drop path turned off (identities), initialised. */
    static ComputationGraph withoutDropout(String model, ModelOptions options) {
        ComputationGraphConfiguration conf = Models.configure(model, options);
        conf.getVertices().replaceAll((name, v) -> v instanceof DropPathVertex d ? d.frozen(true) : v);
        conf.getVertices().values().forEach(v -> {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof DropoutLayer d) {
                d.setIDropout(null);
            }
        });
        conf.getDefaultConfiguration().setSeed(7); // init() reseeds from it: DL4J's default is the clock
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * An element-wise product runs in compiled inference but has no training lowering: compiling
     * the step names the vertex, and {@link CompiledGraph#forTraining} hands back the network
     * itself, which DL4J then trains.
     */
    @Test
    void verticesWithoutATrainingLoweringAreNamedAndLeftToDl4j() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.SIGMOID).build(), "in")
                .addVertex("gate", new ElementWiseVertex(ElementWiseVertex.Op.Product), "a", "b")
                .addLayer("fc", new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build(), "gate")
                .setOutputs("fc").build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        try (CompiledModel inference = CompiledModel.compile(net)) {
            assertTrue(inference.output(x)[0].equalsWithEps(net.outputSingle(false, x), 1e-5));
        }
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> CompiledGraph.of(net));
        assertEquals("compiled execution does not support gate in training: element-wise Product", e.getMessage());
        assertSame(net, CompiledGraph.forTraining(net));
    }

    /**
     * 5x5 depthwise convolutions (EfficientNet's, padding 2, stride 1 and 2, on even and odd
     * sizes, with channels a multiple of oneDNN's channel block and not) have their weight
     * gradients computed as four 3x3 pieces: each depthwise weight
     * gradient equals DL4J's float64 one to 1e-5 (relative L2), as does every other gradient.
     */
    @ParameterizedTest(name = "{0}x{0}, {1} channels")
    @CsvSource({"12, 16", "11, 12"})
    void depthwise5x5WeightGradientsEqualDl4jsInFloat64(int size, int channels) {
        var dw = (java.util.function.IntFunction<DepthwiseConvolution2D>) stride -> new DepthwiseConvolution2D.Builder()
                .kernelSize(5, 5).stride(stride, stride).padding(2, 2).depthMultiplier(1).hasBias(false)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build();
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(size, size, 3))
                .addLayer("expand", new ConvolutionLayer.Builder(1, 1).nOut(channels).activation(Activation.TANH).build(), "in")
                .addLayer("dw1", dw.apply(1), "expand")
                .addLayer("dw2", dw.apply(2), "dw1")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "dw2")
                .addLayer("fc", new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("fc").build());
        net.init();
        CompiledGraph compiled = CompiledGraph.of(net);
        ComputationGraph exact = net.convertDataType(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, size, size).subi(0.5).muli(2);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 4, 5);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i, 1);
        }
        exact.setInputs(x.castTo(DataType.DOUBLE));
        exact.setLabels(labels.castTo(DataType.DOUBLE));
        exact.computeGradientAndScore();
        compiled.setInputs(x);
        compiled.setLabels(labels);
        compiled.computeGradientAndScore();
        assertNotNull(compiled.compiledStep(), "the compiled step ran, not DL4J's");
        // each of the four pieces: the shifted copy, its weight gradient, its block copied out
        assertTrue(compiled.compiledStep().plan().steps("dw2 backward") >= 12, "dw2's weight gradient in 3x3 pieces");
        for (var e : exact.gradient().gradientForVariable().entrySet()) {
            INDArray a = e.getValue().castTo(DataType.FLOAT);
            INDArray b = compiled.gradient().gradientForVariable().get(e.getKey()).reshape(a.shape());
            double error = b.sub(a).norm2Number().doubleValue() / a.norm2Number().doubleValue();
            assertTrue(error < 1e-5, e.getKey() + ": relative L2 error " + error);
        }
        compiled.close();
    }
}
