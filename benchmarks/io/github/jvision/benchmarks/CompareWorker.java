package io.github.jvision.benchmarks;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import io.github.jvision.onednn.CompiledGraph;
import io.github.jvision.onednn.CompiledModel;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.Nesterovs;
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
import java.util.List;
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
 *   <li>{@code time MODEL MODE BATCH SIZE WARMUP REPS}: MODE is {@code infer} (inference;
 *       jvision folds BN into the convolutions, the zoo and PyTorch's eager eval mode do not) or
 *       {@code train} (one step of SGD with Nesterov momentum: forward, backward and update); answers the seconds of each timed run, then the
 *       model's multiply-accumulates per image and the process's peak resident memory since the
 *       model was built (approximate: memory the process keeps from earlier models counts).</li>
 * </ul>
 * Answers start with {@code ok} or {@code skip REASON} (a model this side does not have).
 * Models: jvision's registry names, and {@code convstack} ({@link ConvStack}). Argument:
 * {@code jvision}, {@code jvision-dl4j} or {@code zoo}. The zoo side runs DL4J as shipped (helpers
 * off): the zoo's ResNet50, VGG16 and AlexNet, and {@code convstack} in DL4J's own layers.
 */
public final class CompareWorker {
    private static final Map<String, Supplier<ZooModel>> ZOO = Map.of(
            "resnet50", () -> ResNet50.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build(),
            "vgg16", () -> VGG16.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build(),
            "alexnet", () -> AlexNet.builder().numClasses(1000).inputShape(new int[]{3, 224, 224}).build());

    private final boolean zoo;
    private final boolean compiled;
    private String loaded;
    private Model model;
    private CompiledModel compiledModel;

    private CompareWorker(boolean zoo, boolean compiled) {
        this.zoo = zoo;
        this.compiled = compiled;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !List.of("jvision", "jvision-dl4j", "zoo").contains(args[0])) {
            throw new IllegalArgumentException("expected one argument, jvision, jvision-dl4j or zoo");
        }
        if (args[0].startsWith("jvision")) {
            Backend.init();
        } else {
            System.setProperty(Backend.HELPERS_DISABLE, "true"); // DL4J as shipped, whatever the caller passed
        }
        boolean compiled = args[0].equals("jvision");
        if (compiled && !CompiledModel.available()) {
            throw new IllegalStateException(CompiledModel.unavailableReason());
        }
        CompareWorker worker = new CompareWorker(args[0].equals("zoo"), compiled);
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
        boolean stack = name.equals(ConvStack.NAME); // DL4J's own layers: the zoo side runs it as shipped too
        if (zoo && !ZOO.containsKey(name) && !stack) {
            return "skip the DL4J zoo has no " + name;
        }
        int channels = name.equals("resnet20") ? 1 : 3;
        int classes = name.equals("resnet20") ? 10 : 1000;
        boolean infer = mode.equals("infer");
        String key = name + " " + mode;
        if (!key.equals(loaded)) {
            model = null; // let the previous model and its workspaces go before building the next
            loaded = null;
            if (compiledModel != null) {
                compiledModel.close();
                compiledModel = null;
            }
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            System.gc();
            sleep(); // ND4J frees native buffers on a deallocator thread after the collection
            resetPeakMemory();
            Model m = stack ? graph(ConvStack.configure(classes, size))
                    : zoo ? ZOO.get(name).get().init() : Models.create(name, new ModelOptions(classes, channels, size));
            model = !infer ? withNesterov(m) : zoo ? m : Inference.fuseBatchNorm((ComputationGraph) m);
            if (infer && compiled) {
                compiledModel = CompiledModel.compile((ComputationGraph) m);
                model = null;
            } else if (compiled) {
                model = CompiledGraph.of((ComputationGraph) model);
            }
            loaded = key;
        }
        Workload w = new Workload(name, channels, size, batch);
        INDArray x = w.input();
        DataSet d = new DataSet(x, w.labels(classes));
        Runnable run = compiledModel != null ? () -> compiledModel.output(x)
                : infer ? () -> output(model, x) : () -> fit(model, d);
        double[] t = new double[reps];
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        for (int i = 0; i < reps; i++) {
            t[i] = Workload.seconds(run);
        }
        ModelOptions options = new ModelOptions(classes, channels, size);
        long macs = (stack ? Summary.of(name, ConvStack.configure(classes, size), options) : Summary.of(name, options)).macs();
        StringBuilder s = new StringBuilder("ok");
        for (double v : t) {
            s.append(' ').append(fmt(v));
        }
        return s.append(" macs=").append(macs).append(" peak_rss=").append(peakMemory()).toString();
    }

    /**
     * @return the network training with SGD and Nesterov momentum 0.9 (learning rate 0.01) and no
     * weight decay, as the PyTorch worker does: jvision's models carry no updater (DL4J's default
     * is plain SGD) and the zoo's bring their own (RmsProp, Nesterov, L2).
     */
    private static Model withNesterov(Model m) {
        FineTuneConfiguration sgd = new FineTuneConfiguration.Builder().updater(new Nesterovs(0.01, 0.9)).l2(0)
                .build();
        return m instanceof ComputationGraph g
                ? new TransferLearning.GraphBuilder(g).fineTuneConfiguration(sgd).build()
                : new TransferLearning.Builder((MultiLayerNetwork) m).fineTuneConfiguration(sgd).build();
    }

    private static ComputationGraph graph(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
