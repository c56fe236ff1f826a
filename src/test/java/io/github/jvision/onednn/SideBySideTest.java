package io.github.jvision.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.onednn.GraphLowering.ConvShape;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
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
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Convolutions over narrow images computed with the images side by side in one wide image. */
class SideBySideTest {
    private static ConvShape conv(long n, long c, long w, long k, long s, long pad) {
        long out = (w + 2 * pad - k) / s + 1;
        return new ConvShape(new long[]{n, c, w, w}, new long[]{n, c, out, out}, new long[]{c, c, k, k},
                new long[]{s, s}, new long[]{pad, pad}, false);
    }

    @Test
    void imagesArePlacedAsCountedByHand() {
        // ResNet's layer4 3x3: 16 images of 7 columns, one zero column after each: 16 * 8 - 1 = 127 columns
        ConvShape layer4 = conv(16, 512, 7, 3, 1, 1);
        SideBySide a = SideBySide.of(layer4);
        assertEquals(new SideBySide(16, 8, 1), a);
        assertArrayEquals(new long[]{1, 512, 7, 127}, a.wideInput(layer4.x()));
        assertArrayEquals(new long[]{1, 512, 7, 127}, a.wideOutput(layer4));
        // stride 2 on 14 columns: a gap of 2 keeps every image's start even (16, 32, ...); outputs every 8 columns
        ConvShape down = conv(16, 256, 14, 3, 2, 1);
        SideBySide b = SideBySide.of(down);
        assertEquals(new SideBySide(16, 16, 2), b);
        assertArrayEquals(new long[]{1, 256, 14, 254}, b.wideInput(down.x()));
        assertArrayEquals(new long[]{1, 256, 7, 127}, b.wideOutput(down)); // (254 + 2 - 3) / 2 + 1
        // a 5x5 kernel pads 2: two zero columns between images of 13
        assertEquals(new SideBySide(4, 15, 1), SideBySide.of(conv(4, 128, 13, 5, 1, 2)));
        // a 1x1 kernel padded by 1 widens each image by 2 (7 -> 9): the gap grows so that outputs do not overlap
        ConvShape wider = conv(16, 512, 7, 1, 1, 1);
        SideBySide c = SideBySide.of(wider);
        assertEquals(new SideBySide(16, 9, 1), c);
        assertArrayEquals(new long[]{1, 512, 7, 142}, c.wideInput(wider.x()));
        assertArrayEquals(new long[]{1, 512, 9, 144}, c.wideOutput(wider)); // 16 outputs of 9, one every 9 columns
    }

    /** Measured: ResNet-18 5.8% faster side by side on jit:avx2, 4% slower on brgconv:avx512_core; the others not measured. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"jit:avx2, true", "brgconv:avx512_core, false", "jit:avx512_common, false", "jit:sse41, false",
            "gemm:jit, false"})
    void byDefaultOnlyOneDnnsAvx2DirectKernelGoesSideBySide(String implementation, boolean byDefault) {
        assertEquals(byDefault, SideBySide.Use.WHERE_IT_PAYS.wanted(implementation));
        assertTrue(SideBySide.Use.ALWAYS.wanted(implementation));
        assertFalse(SideBySide.Use.NEVER.wanted(implementation));
    }

    @Test
    void onlyNarrowPaddedWideChannelBatchesGoSideBySide() {
        assertNull(SideBySide.of(conv(1, 512, 7, 3, 1, 1)), "one image");
        assertNull(SideBySide.of(conv(16, 512, 7, 1, 1, 0)), "unpadded (ResNet's 1x1 convolutions ran at full speed on 7 columns already)");
        assertNull(SideBySide.of(conv(16, 128, 28, 3, 1, 1)), "28 columns fill the kernels' blocks already");
        assertNull(SideBySide.of(conv(16, 64, 14, 3, 1, 1)), "64 channels (ResNet-20's got slower)");
        assertNull(SideBySide.of(new ConvShape(new long[]{16, 512, 7, 7}, new long[]{16, 512, 7, 7},
                new long[]{512, 1, 1, 3, 3}, new long[]{1, 1}, new long[]{1, 1}, true)), "depthwise");
    }

    /**
     * A residual block, a 1x1 convolution padded by 1 and a strided convolution on 5 images of
     * 13 x 12 (a 5x5 kernel; a sum and ReLU fused into a convolution; two convolutions sharing one
     * wide input; gaps of 2 for the padded 1x1 and for stride 2 on 14 columns): every convolution
     * runs side by side, and the outputs equal DL4J's and those of the batch as it is, on two
     * inputs in turn (the second run reuses the wide buffers).
     */
    @Test
    void sideBySideOutputsEqualDl4jAndTheBatchAsItIs() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).biasInit(0.1)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(13, 12, 128))
                .addLayer("a", layer(3, 1, 1).activation(Activation.RELU).build(), "in")
                .addLayer("b", layer(5, 1, 2).activation(Activation.IDENTITY).build(), "a")
                .addLayer("c", layer(3, 1, 1).activation(Activation.IDENTITY).build(), "b")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c", "b")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "sum")
                .addLayer("e", layer(1, 1, 1).activation(Activation.RELU).build(), "relu") // 13 x 12 -> 15 x 14
                .addLayer("d", layer(3, 2, 1).activation(Activation.RELU).build(), "e") // 15 x 14 -> 8 x 7
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "d")
                .addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("fc").build());
        net.init();
        long[] shape = {5, 128, 13, 12};
        try (Plan wide = Lowering.lower(net, shape, SideBySide.Use.ALWAYS); Plan batch = Lowering.lower(net, shape, SideBySide.Use.NEVER)) {
            for (String conv : new String[]{"a", "b", "c", "e", "d"}) {
                String label = conv + " forward";
                assertTrue(wide.steps(label) > batch.steps(label), conv + " copies its images in and out");
            }
            for (int run = 0; run < 2; run++) {
                INDArray x = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
                INDArray expected = net.outputSingle(false, x);
                wide.run(x);
                batch.run(x);
                INDArray got = wide.output(0);
                assertArrayEquals(expected.shape(), got.shape());
                double vsDl4j = Transforms.abs(got.sub(expected)).maxNumber().doubleValue();
                double vsBatch = Transforms.abs(got.sub(batch.output(0))).maxNumber().doubleValue();
                assertTrue(vsDl4j < 1e-5, "side by side vs DL4J: " + vsDl4j);
                assertTrue(vsBatch < 1e-6, "side by side vs the batch as it is: " + vsBatch);
                // logits (before softmax), relative to their size
                INDArray batchLogits = batch.output(1);
                double scale = batchLogits.amaxNumber().doubleValue();
                double logits = Transforms.abs(wide.output(1).sub(batchLogits)).maxNumber().doubleValue();
                assertTrue(logits < 1e-5 * Math.max(1, scale), "logits differ by " + logits);
            }
        }
    }

    /** A 128-channel convolution with a square kernel {@code k}, stride {@code s} and padding {@code p}. */
    private static ConvolutionLayer.Builder layer(int k, int s, int p) {
        return new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nOut(128);
    }
}
