package io.github.jvision.cli;

import io.github.jvision.eval.Predictor;
import io.github.jvision.image.Image;
import io.github.jvision.image.Images;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.train.Checkpoint;
import io.github.jvision.weights.Preprocessing;
import io.github.jvision.weights.WeightsMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvision predict}: top-k classes of image files. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG, ...) with a jvision checkpoint, or with a model and a weights "
                + "file whose preprocessing and categories come from its sidecar JSON; prints the top-k labels "
                + "with probabilities.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--checkpoint", required = true, description = "Checkpoint written by jvision train.")
        Path checkpoint;

        @ArgGroup(exclusive = false)
        WeightsSource pretrained;
    }

    static final class WeightsSource {
        @Option(names = "--model", required = true, description = "Model name, with --weights.")
        String model;

        @Option(names = "--weights", required = true, description = "Weights file (.pth or .safetensors).")
        Path weights;

        @Option(names = "--meta", description = "Weights metadata JSON (default: the weights file's name with .json).")
        Path meta;
    }

    @Option(names = "--top-k", defaultValue = "3", description = "Labels to print per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    /** Turns an image file into the network's normalised input values, C-order. */
    private interface Prepare {
        float[] apply(Path file) throws IOException;
    }

    /** A network with what it needs to turn a file into its input {@code [1, C, H, W]}. */
    private record Classifier(ComputationGraph net, Prepare prepare, long[] shape, List<String> labels) {
        INDArray input(Path file) throws IOException {
            return Nd4j.create(prepare.apply(file), shape, 'c');
        }
    }

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1; got " + topK);
        }
        Classifier c = source.checkpoint != null ? fromCheckpoint(source.checkpoint) : fromWeights(source.pretrained);
        var out = spec.commandLine().getOut();
        try (Predictor predictor = Predictor.of(c.net())) {
            for (Path file : images) {
                print(out, file, predictor.probabilities(c.input(file)).toFloatVector(), c.labels());
            }
        }
        return 0;
    }

    /** One line: the file, then the {@code --top-k} most likely labels with their probabilities. */
    private void print(java.io.PrintWriter out, Path file, float[] probs, List<String> labels) {
        int[] order = IntStream.range(0, probs.length).boxed()
                .sorted((a, b) -> Float.compare(probs[b], probs[a])).mapToInt(Integer::intValue).toArray();
        StringBuilder line = new StringBuilder(file.toString()).append(':');
        int k = Math.min(topK, order.length);
        for (int i = 0; i < k; i++) {
            line.append(String.format(" %s %.4f%s", labels.get(order[i]), probs[order[i]], i + 1 < k ? "," : ""));
        }
        out.println(line);
    }

    /** A jvision checkpoint: images are resized to the training size and normalised with its statistics. */
    private static Classifier fromCheckpoint(Path file) throws IOException {
        Checkpoint cp = Checkpoint.load(file);
        ModelOptions o = cp.meta().options();
        Prepare prepare = f -> {
            Image img = Images.load(f, o.inChannels(), o.imageHeight(), o.imageWidth());
            float[] x = new float[img.data().length];
            img.normalizeInto(cp.meta().mean(), cp.meta().std(), x, 0);
            return x;
        };
        return new Classifier(cp.net(), prepare, new long[]{1, o.inChannels(), o.imageHeight(), o.imageWidth()},
                cp.meta().classes());
    }

    private static Classifier fromWeights(WeightsSource p) throws IOException {
        Path metaFile = p.meta != null ? p.meta : WeightsMeta.sidecar(p.weights);
        if (!Files.exists(metaFile)) {
            throw new IllegalArgumentException("no preprocessing for " + p.weights + ": expected its metadata in "
                    + metaFile + " (or give --meta; see docs/weights.md)");
        }
        WeightsMeta meta = WeightsMeta.read(metaFile);
        Preprocessing prep = meta.preprocessing();
        int channels = prep.mean().length;
        ComputationGraph net = Pretrained.load(p.model, p.weights, channels, prep.cropSize(), prep.cropSize(),
                meta.categories().isEmpty() ? null : meta.categories().size());
        int classes = (int) net.getLayer(net.getConfiguration().getNetworkOutputs().get(0)).getParam("b").length();
        List<String> labels = meta.categories().isEmpty()
                ? IntStream.range(0, classes).mapToObj(Integer::toString).toList() : meta.categories();
        return new Classifier(net, f -> prep.apply(Images.load(f, channels)),
                new long[]{1, channels, prep.cropSize(), prep.cropSize()}, labels);
    }
}
