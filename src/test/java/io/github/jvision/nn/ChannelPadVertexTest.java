package io.github.jvision.nn;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

class ChannelPadVertexTest {

    private static ComputationGraph padOnly(int stride, int pad, int c, int h, int w) {
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(h, w, c))
                .addVertex("pad", new ChannelPadVertex(stride, pad), "in").setOutputs("pad").build();
        ComputationGraph net = new ComputationGraph(g);
        net.init();
        return net;
    }

    @Test
    void subsamplesAndPadsLikeTheReferenceImplementation() {
        // x[n, c, i, j] = 100 c + 10 i + j on a 2x3x3 image; stride 2 keeps rows/cols 0 and 2
        INDArray x = Nd4j.create(DataType.DOUBLE, 1, 2, 3, 3);
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    x.putScalar(new int[]{0, c, i, j}, 100 * c + 10 * i + j);
                }
            }
        }
        INDArray y = padOnly(2, 2, 2, 3, 3).outputSingle(x);
        assertArrayEquals(new long[]{1, 4, 2, 2}, y.shape());
        // one zero channel before (pad/2), then the input's channels, then one zero channel
        assertEquals(0, y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).sumNumber().doubleValue());
        assertEquals(0, y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(3)).sumNumber().doubleValue());
        double[][] expected = {{0, 2}, {20, 22}};
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(100 * c + expected[i][j], y.getDouble(0, c + 1, i, j), 0);
                }
            }
        }
    }

    @Test
    void gradientIsCorrect() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkGradient();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private void checkGradient() {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(5, 5, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(3)
                        .activation(Activation.TANH).build(), "in")
                .addVertex("pad", new ChannelPadVertex(2, 3), "conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pad")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5);
        INDArray y = Nd4j.create(new double[][]{{1, 0, 0, 0}, {0, 0, 1, 0}});
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y}).epsilon(1e-6).maxRelError(1e-3)
                .minAbsoluteError(1e-8));
        assertTrue(ok);
    }

    @Test
    void serialisesWithTheModel() {
        var conf = padOnly(2, 4, 2, 4, 4).getConfiguration();
        var back = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(new ChannelPadVertex(2, 4), back.getVertices().get("pad"));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelPadVertex(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChannelPadVertex(1, -1));
    }
}
