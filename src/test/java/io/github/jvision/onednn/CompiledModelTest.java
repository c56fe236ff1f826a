package io.github.jvision.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.jvision.eval.Logits;
import io.github.jvision.eval.Predictor;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.TestNets;
import java.util.Locale;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Compiled inference computes what the DL4J network computes, for a model of every family and
 * every block kind (residual sums fused into convolutions, the option-A shortcut, MBConv with
 * squeeze-and-excitation and SiLU, Inception concatenations, ceil-mode pooling, dense heads),
 * with batch-norm statistics far from 0 and 1. Torchvision's own outputs are checked in
 * {@code TorchvisionWeightsParityTest}.
 */
class CompiledModelTest {
    @BeforeAll
    static void oneDnnLoads() {
        assertEquals(null, CompiledModel.unavailableReason(), "the CPU backend and oneDNN are on the test class path");
    }

    @ParameterizedTest(name = "{0} {2}x{2}")
    @CsvSource({"resnet20, 1, 28", "plain20, 1, 28", "resnet18, 3, 64", "resnet50, 3, 64", "efficientnet_b0, 3, 64",
            "googlenet, 3, 64", "inception_v3, 3, 80", "vgg11_bn, 3, 32", "alexnet, 3, 64"})
    void outputsEqualTheNetworks(String model, int channels, int size) {
        assumeTrue(Models.names().contains(model), model);
        ComputationGraph net = Models.create(model, new ModelOptions(10, channels, size), 7);
        TestNets.randomiseBatchNorm(net);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, channels, size, size).subi(0.5).muli(4);
        INDArray[] expected = net.output(false, x);
        INDArray logits = Logits.of(net, x);
        try (CompiledModel compiled = CompiledModel.compile(net)) {
            for (int run = 0; run < 2; run++) { // the second run reuses the program and its buffers
                INDArray[] got = compiled.output(x);
                assertEquals(expected.length, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertArrayEquals(expected[i].shape(), got[i].shape());
                    double diff = Transforms.abs(got[i].sub(expected[i])).maxNumber().doubleValue();
                    assertTrue(diff < 1e-5, model + " output " + i + " differs by " + diff);
                }
                // logits, relative to their size, so that saturated probabilities hide nothing
                INDArray gotLogits = compiled.logits(x)[0];
                double diff = Transforms.abs(gotLogits.sub(logits)).maxNumber().doubleValue();
                double scale = logits.amaxNumber().doubleValue();
                System.out.printf(Locale.ROOT, "%s: max |logit| %.3g, max |compiled - DL4J| = %.3g%n", model, scale, diff);
                assertTrue(diff < 2e-5 * Math.max(1, scale), model + ": logits differ by " + diff);
            }
        }
    }

    @Test
    void wrongInputsAreRefusedWithTheExpectedShape() {
        ComputationGraph net = Models.create("resnet20", new ModelOptions(10, 1, 28), 7);
        try (CompiledModel compiled = CompiledModel.compile(net)) {
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> compiled.output(Nd4j.rand(DataType.FLOAT, 2, 3, 28, 28)));
            assertTrue(channels.getMessage().contains("conv1 expects 1 input channels; got 3"), channels.getMessage());
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> compiled.output(Nd4j.rand(DataType.FLOAT, 2, 784)));
            assertTrue(rank.getMessage().contains("[N, C, H, W]; got shape [2, 784]"), rank.getMessage());
            // after a refused input, a good one still runs
            assertArrayEquals(new long[]{2, 10}, compiled.output(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28))[0].shape());
        }
    }

    /** A layer without a lowering (local response normalisation) is named; the predictor then runs DL4J. */
    @Test
    void unsupportedLayersFallBackToDl4j() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("lrn", new LocalResponseNormalization.Builder().build(), "conv")
                .addLayer("fc", new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build(), "lrn")
                .setOutputs("fc").build());
        net.init();
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> CompiledModel.compile(net));
        assertTrue(e.getMessage().contains("lrn: LocalResponseNormalization"), e.getMessage());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        try (Predictor p = Predictor.of(net)) {
            assertFalse(p.compiled());
            assertEquals(net.outputSingle(false, x), p.probabilities(x));
        }
    }

    @Test
    void predictorsCompileJvisionModelsAndMatchDl4j() {
        ComputationGraph net = Models.create("resnet20", new ModelOptions(10, 1, 28), 7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28);
        try (Predictor p = Predictor.of(net)) {
            assertTrue(p.compiled());
            double diff = Transforms.abs(p.probabilities(x).sub(net.outputSingle(false, x))).maxNumber().doubleValue();
            assertTrue(diff < 1e-5, "probabilities differ by " + diff);
            diff = Transforms.abs(p.logits(x).sub(Logits.of(net, x))).maxNumber().doubleValue();
            assertTrue(diff < 1e-4, "logits differ by " + diff);
        }
        System.setProperty(CompiledModel.ENABLED, "false");
        try (Predictor p = Predictor.of(net)) {
            assertFalse(p.compiled());
        } finally {
            System.clearProperty(CompiledModel.ENABLED);
        }
    }
}
