package io.github.jvision;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The oneDNN helpers are really attached, and they compute what DL4J's plain path computes. */
class BackendTest {

    private static ComputationGraph build(boolean helpers) {
        return build(helpers, "resnet18", 64);
    }

    private static ComputationGraph build(boolean helpers, String model, int size) {
        String old = System.getProperty(Backend.HELPERS_DISABLE);
        System.setProperty(Backend.HELPERS_DISABLE, Boolean.toString(!helpers));
        try {
            return Models.create(model, new ModelOptions(10, 3, size), 5);
        } finally {
            System.setProperty(Backend.HELPERS_DISABLE, old == null ? "false" : old);
        }
    }

    @Test
    void picksTheFastestNativeBuildTheCpuRunsAndTheClassPathHas() {
        Set<String> avx2 = Set.of("sse4_2", "avx", "avx2", "fma", "f16c");
        Set<String> avx512 = Set.of("avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "avx512f", "avx512cd", "avx512bw",
                "avx512dq", "avx512vl");
        Set<String> cpu = Set.of("-onednn", "-onednn-avx2", "-onednn-avx512");
        assertEquals("-onednn-avx512", build(avx512, cpu));
        assertEquals("-onednn-avx2", build(avx2, cpu));
        // AVX-512 without the BW/DQ/VL parts the avx512 build is compiled for: not that build
        assertEquals("-onednn-avx2", build(Set.of("avx2", "fma", "f16c", "avx512f"), cpu));
        assertEquals("-onednn", build(Set.of("avx2", "fma"), cpu)); // no F16C: the portable build
        assertEquals("-onednn", build(avx512, Set.of("-onednn"))); // the library's own
        assertEquals("-onednn", build(Set.of(), cpu)); // flags unknown
        assertEquals("-cudnn", build(avx2, Set.of("-cudnn")));
        assertNull(build(avx2, Set.of())); // another backend: leave JavaCPP alone
    }

    @Test
    void readsTheCpuFlagsOfProcCpuinfo() {
        String cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 fma avx2\n\n"
                + "processor\t: 1\nflags\t\t: fpu\n";
        assertEquals(Set.of("fpu", "sse2", "avx2", "fma"), Backend.cpuFlags(cpuinfo)); // the first CPU; repeats once
        assertEquals(Set.of(), Backend.cpuFlags("processor\t: 0\n"));
    }

    private static String build(Set<String> flags, Set<String> present) {
        return Backend.nativeBuild(flags, b -> present.contains(b.extension()));
    }

    @Test
    void helpersAreAttachedToConvBnAndPoolLayers() {
        assertTrue(Backend.oneDnnActive(), Backend.describe());
        ComputationGraph net = build(true);
        assertInstanceOf(MKLDNNConvHelper.class, net.getLayer("layer1.0.conv1").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, net.getLayer("layer1.0.bn1").getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, net.getLayer("maxpool").getHelper());
        assertNull(build(false).getLayer("layer1.0.conv1").getHelper(), "the plain path really is plain");
    }

    @Test
    void helpersSurviveSaveLoadAndClone() throws Exception {
        ComputationGraph net = build(true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(MKLDNNConvHelper.class, loaded.getLayer("layer2.0.conv1").getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, net.clone().getLayer("layer2.0.conv1").getHelper());
    }

    @Test
    void helpersSurviveTransferLearning() {
        ComputationGraph net = build(true);
        ComputationGraph tuned = new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(net)
                .setFeatureExtractor("layer2.1.relu")
                .removeVertexKeepConnections("fc")
                .addLayer("fc", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nIn(512).nOut(3).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "avgpool")
                .build();
        assertInstanceOf(MKLDNNConvHelper.class, tuned.getLayer("layer4.0.conv1").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, tuned.getLayer("layer4.0.bn1").getHelper());
        assertArrayEquals(new long[]{2, 3}, tuned.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64)).shape());
    }

    /** The same resnet18 twice, with and without helpers, equal parameters, and a batch. */
    private record Twins(ComputationGraph fast, ComputationGraph plain, INDArray x, INDArray y) {
        static Twins make(long seed, String model, int size) {
            ComputationGraph fast = build(true, model, size);
            ComputationGraph plain = build(false, model, size);
            plain.setParams(fast.params().dup());
            Nd4j.getRandom().setSeed(seed);
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, size, size);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 10);
            for (int i = 0; i < 4; i++) {
                y.putScalar(i, i * 3 % 10, 1f);
            }
            return new Twins(fast, plain, x, y);
        }
    }

    @Test
    void helperAndPlainPathsAgreeForwardAndBackward() {
        Twins t = Twins.make(7, "resnet18", 64);
        ComputationGraph fast = t.fast();
        ComputationGraph plain = t.plain();
        INDArray x = t.x();
        INDArray y = t.y();
        // inference: BN uses running statistics
        INDArray a = fast.outputSingle(false, x);
        INDArray b = plain.outputSingle(false, x);
        assertTrue(a.equalsWithEps(b, 5e-6), () -> "max |diff| " + a.sub(b).amaxNumber());
        // training mode forward (batch statistics) and gradients
        fast.setInputs(x);
        fast.setLabels(y);
        plain.setInputs(x);
        plain.setLabels(y);
        fast.computeGradientAndScore();
        plain.computeGradientAndScore();
        assertEquals(plain.score(), fast.score(), 1e-5);
        for (String p : new String[]{"conv1_W", "layer1.0.conv2_W", "layer2.0.downsample.0_W", "layer1.0.bn1_gamma",
                "layer4.1.bn2_beta", "fc_W"}) {
            INDArray ga = fast.gradient().getGradientFor(p);
            INDArray gb = plain.gradient().getGradientFor(p);
            double scale = Math.max(1e-3, gb.amaxNumber().doubleValue());
            double diff = ga.sub(gb).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-3 * scale, p + ": max |diff| " + diff + " vs max |grad| " + scale);
        }
    }

    /**
     * Four SGD steps of resnet20 (conv, BN, ReLU, option-A shortcuts) with a real step size, each
     * taken from the same parameters by the helper path, the plain path and the plain path in
     * float64 (the exact step): the helper path's step is as close to the exact one as the plain
     * path's is. Measured per parameter tensor as the relative L2 error of its update, then the
     * root mean square over tensors: below 2e-2, or twice the plain path's. A 4-image batch's batch
     * norm makes a float32 step ill-conditioned: both float32 paths miss the exact update of some
     * tensors by about 1% after the first step (measured on AVX-512), and oneDNN's AVX-512 kernels,
     * which sum in another order than its AVX2 ones, part from the plain path by as much in later
     * steps; a learning rate 10% off, or a wrong gradient, moves the updates by far more. Letting
     * the paths run on from their own results would compare diverging trajectories instead.
     */
    @Test
    void fitStepsMatchBetweenPaths() {
        Twins t = Twins.make(11, "resnet20", 32);
        ComputationGraph fast = t.fast();
        ComputationGraph plain = t.plain();
        DataSet batch = new DataSet(t.x(), t.y());
        DataSet exactBatch = new DataSet(t.x().castTo(DataType.DOUBLE), t.y().castTo(DataType.DOUBLE));
        for (int step = 1; step <= 4; step++) {
            plain.setParams(fast.params().dup());
            ComputationGraph exact = plain.convertDataType(DataType.DOUBLE);
            Map<String, INDArray> from = new HashMap<>();
            plain.paramTable().forEach((name, p) -> from.put(name, p.dup()));
            for (ComputationGraph g : new ComputationGraph[]{fast, plain, exact}) {
                g.setLearningRate(0.05); // plain SGD (the configuration's default updater) with a real step size
                g.fit(g == exact ? exactBatch : batch);
            }
            double fastError = updateError(fast, exact, from);
            double plainError = updateError(plain, exact, from);
            assertTrue(fastError <= Math.max(2e-2, 2 * plainError),
                    "step " + step + ": helper path's update error " + fastError + ", plain path's " + plainError);
        }
    }

    /** The root mean square over {@code g}'s parameter tensors of the relative L2 error of their update from {@code from}, against {@code exact}'s. */
    private static double updateError(ComputationGraph g, ComputationGraph exact, Map<String, INDArray> from) {
        double sum = 0;
        for (var e : exact.paramTable().entrySet()) {
            INDArray want = e.getValue().castTo(DataType.FLOAT);
            double size = want.sub(from.get(e.getKey())).norm2Number().doubleValue();
            assertTrue(size > 0, e.getKey() + " did not move");
            sum += Math.pow(g.paramTable().get(e.getKey()).sub(want).norm2Number().doubleValue() / size, 2);
        }
        return Math.sqrt(sum / exact.paramTable().size());
    }

}
