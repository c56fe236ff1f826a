package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.AlexNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.VGG16;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM side of {@code benchmarks/compare}: times jvision's models, or the DL4J zoo's, on
 * requests read from standard input, one per line, answering each with one line, so that the
 * script can interleave them with PyTorch's runs. Requests:
 * <ul>
 *   <li>{@code gemm N}: GFLOP/s of one float32 {@code N x N x N} matrix product (median of 5);</li>
 *   <li>{@code time MODEL MODE BATCH SIZE WARMUP REPS}: MODE is {@code infer} (inference,
 *       BN folded for jvision, which PyTorch's eval mode matches in cost) or {@code train} (one
 *       SGD step, forward, backward and update); answers the seconds of each timed run, then the
 *       model's multiply-accumulates per image, the process's peak resident memory since the
 *       model was built, and the off-heap bytes allocated per timed step and not yet released.</li>
 * </ul>
 * Answers start with {@code ok} or {@code skip REASON} (a model this side does not have).
 * Argument: {@code jvision} or {@code zoo}. The zoo side runs DL4J as shipped (start the JVM with
 * {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true}).
 */
public final class CompareWorker {
    private static final Map<String, Supplier<ZooModel>> ZOO = Map.of(
            "resnet50", () -> ResNet50.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build(),
            "vgg16", () -> VGG16.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build(),
            "alexnet", () -> AlexNet.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build());

    private final boolean zoo;
    private String loaded;
    private Model model;

    private CompareWorker(boolean zoo) {
        this.zoo = zoo;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("jvision") || args[0].equals("zoo"))) {
            throw new IllegalArgumentException("expected one argument, jvision or zoo");
        }
        if (args[0].equals("jvision")) {
            Backend.init();
        }
        CompareWorker worker = new CompareWorker(args[0].equals("zoo"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + Backend.describe().replace('\n', ' '));
        for (String line; (line = in.readLine()) != null; ) {
            String[] r = line.trim().split("\\s+");
            String answer;
            try {
                answer = switch (r[0]) {
                    case "gemm" -> "ok " + fmt(gemm(Integer.parseInt(r[1])));
                    case "time" -> worker.time(r[1], r[2], Integer.parseInt(r[3]), Integer.parseInt(r[4]),
                            Integer.parseInt(r[5]), Integer.parseInt(r[6]));
                    case "quit" -> null;
                    default -> "skip unknown request " + r[0];
                };
            } catch (RuntimeException | OutOfMemoryError e) {
                answer = "skip " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            if (answer == null) {
                break;
            }
            System.out.println(answer);
            System.out.flush();
        }
    }

    private String time(String name, String mode, int batch, int size, int warmup, int reps) {
        if (zoo && !ZOO.containsKey(name)) {
            return "skip the DL4J zoo has no " + name;
        }
        int channels = name.equals("resnet20") ? 1 : 3;
        int classes = name.equals("resnet20") ? 10 : 1000;
        boolean infer = mode.equals("infer");
        String key = name + " " + mode;
        if (!key.equals(loaded)) {
            model = null; // let the previous model go before building the next
            loaded = null;
            System.gc();
            resetPeakMemory();
            model = zoo ? ZOO.get(name).get().init() : jvision(name, classes, channels, size, infer);
            loaded = key;
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        DataSet d = new DataSet(x, y);
        Runnable run = infer ? () -> output(model, x) : () -> fit(model, d);
        double[] t = new double[reps];
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        long offHeap = Pointer.totalBytes();
        for (int i = 0; i < reps; i++) {
            t[i] = Workload.seconds(run);
        }
        // off-heap bytes allocated per step and not yet released (ND4J frees buffers after GC):
        // about 0 when workspaces serve every array of a steady-state step
        long allocated = reps > 0 ? (Pointer.totalBytes() - offHeap) / reps : 0;
        long macs = Summary.of(name, new ModelOptions(classes, channels, size)).macs();
        StringBuilder s = new StringBuilder("ok");
        for (double v : t) {
            s.append(' ').append(fmt(v));
        }
        return s.append(" macs=").append(macs).append(" peak_rss=").append(peakMemory())
                .append(" alloc_per_step=").append(allocated).toString();
    }

    private static ComputationGraph jvision(String name, int classes, int channels, int size, boolean infer) {
        ComputationGraph net = Models.create(name, new ModelOptions(classes, channels, size));
        return infer ? Inference.fuseBatchNorm(net) : net;
    }

    private static void output(Model m, INDArray x) {
        if (m instanceof ComputationGraph g) {
            g.outputSingle(false, x);
        } else {
            ((MultiLayerNetwork) m).output(x, false);
        }
    }

    private static void fit(Model m, DataSet d) {
        if (m instanceof ComputationGraph g) {
            g.fit(d);
        } else {
            ((MultiLayerNetwork) m).fit(d);
        }
    }

    /** @return GFLOP/s of {@code C = A B} for float32 {@code n x n} matrices, median of 5 after 2 warm-up runs */
    static double gemm(int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double s = Workload.median(2, 5, () -> { }, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
        return 2.0 * n * n * n / s / 1e9;
    }

    /** Starts a new peak of the process's resident memory (Linux: writing 5 to /proc/self/clear_refs). */
    private static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            // not Linux, or not allowed: the peak then covers the process's whole life
        }
    }

    /** @return the process's peak resident memory in bytes since the last reset (VmHWM), or -1 where unknown */
    private static long peakMemory() {
        try {
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? 1024 * Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
