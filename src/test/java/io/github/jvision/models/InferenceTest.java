package io.github.jvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch norm folded into convolutions: the same outputs as the network as built, with BN
 * statistics and affine parameters far from 0 and 1 (the torchvision-weights parity test checks the
 * folded networks of every family against torchvision's logits too).
 */
class InferenceTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet20, 1, 28", "efficientnet_b0, 3, 32", "vgg11_bn, 3, 32"})
    void foldedNetworksComputeTheSameFunction(String model, int channels, int size) {
        ComputationGraph net = Models.create(model, new ModelOptions(10, channels, size), 7);
        TestNets.randomiseBatchNorm(net);
        ComputationGraph fused = Inference.fuseBatchNorm(net);
        long bn = Arrays.stream(fused.getLayers()).filter(l -> l.conf().getLayer() instanceof BatchNormalization).count();
        assertEquals(0, bn, model + ": every BN follows a convolution, so none is left");

        INDArray x = Nd4j.rand(DataType.FLOAT, 4, channels, size, size);
        double diff = Transforms.abs(fused.outputSingle(false, x).sub(net.outputSingle(false, x))).maxNumber().doubleValue();
        assertTrue(diff < 1e-5, model + ": outputs differ by " + diff);
        // logits too, relative to their size, so that saturated probabilities hide nothing
        INDArray logits = io.github.jvision.eval.Logits.of(net, x);
        double logitDiff = Transforms.abs(io.github.jvision.eval.Logits.of(fused, x).sub(logits)).maxNumber().doubleValue();
        assertTrue(logitDiff < 1e-5 * Math.max(1, logits.amaxNumber().doubleValue()), model + ": logits differ by " + logitDiff);
    }
}
