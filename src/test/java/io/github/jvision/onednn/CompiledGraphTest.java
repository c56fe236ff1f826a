package io.github.jvision.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.nn.DropPathVertex;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A compiled training step computes what DL4J's computes: the score, every parameter's gradient
 * and the batch-norm running-statistics updates, for a model of every block kind (option-A
 * shortcuts, bottlenecks are in TorchvisionGradientsTest, MBConv with squeeze-and-excitation,
 * Inception concatenations with ceil-mode pooling and weighted auxiliary heads). Dropout and drop
 * path are switched off here so that both sides compute the same function.
 */
class CompiledGraphTest {
    /**
     * @param tolerance largest gradient difference, relative to the tensor (see below); GoogLeNet's
     *                  deepest gradients at 64x64 are ill-conditioned: PyTorch's own float32 step
     *                  lies 0.49 from its float64 one there (TorchvisionGradientsTest)
     */
    @ParameterizedTest(name = "{0} {2}x{2}")
    @CsvSource({"resnet20, 1, 28, 1e-3", "resnet18, 3, 64, 1e-3", "efficientnet_b0, 3, 64, 1e-3", "googlenet, 3, 64, 0.5"})
    void gradientsEqualDl4js(String model, int channels, int size, double tolerance) {
        ComputationGraph net = withoutDropout(model, new ModelOptions(10, channels, size));
        CompiledModelTest.randomiseBatchNorm(net);
        CompiledGraph compiled = CompiledGraph.of(net);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, channels, size, size).subi(0.5).muli(4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 4, 10);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        INDArray[] ys = new INDArray[net.getNumOutputArrays()];
        java.util.Arrays.fill(ys, labels);
        for (ComputationGraph g : new ComputationGraph[]{net, compiled}) {
            g.setInputs(x);
            g.setLabels(ys);
            g.computeGradientAndScore();
        }
        double scoreDiff = Math.abs(compiled.score() - net.score());
        System.out.printf(Locale.ROOT, "%s: score %.6f vs DL4J %.6f%n", model, compiled.score(), net.score());
        assertTrue(scoreDiff < 1e-4 * Math.max(1, Math.abs(net.score())), model + ": scores differ by " + scoreDiff);
        Map<String, INDArray> expected = net.gradient().gradientForVariable();
        Map<String, INDArray> got = compiled.gradient().gradientForVariable();
        assertEquals(expected.keySet(), got.keySet());
        double worst = 0;
        String worstName = null;
        double largest = expected.values().stream().mapToDouble(a -> a.amaxNumber().doubleValue()).max().orElse(1);
        for (var e : expected.entrySet()) {
            INDArray a = e.getValue();
            INDArray b = got.get(e.getKey());
            // relative to the tensor, with a floor of 1e-3 of the largest gradient (sums that are 0 up to rounding)
            double scale = Math.max(a.amaxNumber().doubleValue(), 1e-3 * largest);
            double rel = Transforms.abs(b.reshape(a.shape()).sub(a)).maxNumber().doubleValue() / scale;
            if (rel > worst) {
                worst = rel;
                worstName = e.getKey();
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d gradients, worst max|diff|/max|grad| %.3g (%s)%n", model, expected.size(), worst, worstName);
        assertTrue(worst < tolerance, model + ": gradient " + worstName + " differs by " + worst + " of its size");
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
        Nd4j.getRandom().setSeed(7);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }
}
