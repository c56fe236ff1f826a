package io.github.jvision.cli;

import io.github.jvision.image.Image;
import io.github.jvision.image.Images;
import io.github.jvision.train.Checkpoint;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jvision predict}: top-k classes of image files. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG, ...) with a checkpoint; prints the top-k labels with probabilities.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint written by jvision train.")
    Path checkpoint;

    @Option(names = "--top-k", defaultValue = "3", description = "Labels to print per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1; got " + topK);
        }
        Checkpoint cp = Checkpoint.load(checkpoint);
        var o = cp.meta().options();
        var out = spec.commandLine().getOut();
        for (Path file : images) {
            Image img = Images.load(file, o.inChannels(), o.imageHeight(), o.imageWidth());
            float[] x = new float[img.data().length];
            img.normalizeInto(cp.meta().mean(), cp.meta().std(), x, 0);
            INDArray input = Nd4j.create(x, new long[]{1, o.inChannels(), o.imageHeight(), o.imageWidth()}, 'c');
            o.checkInput(input.shape());
            INDArray p = cp.net().output(false, input)[0];
            float[] probs = p.toFloatVector();
            Integer[] order = new Integer[probs.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));
            StringBuilder line = new StringBuilder(file.toString()).append(':');
            for (int i = 0; i < Math.min(topK, order.length); i++) {
                line.append(String.format(" %s %.4f%s", cp.meta().classes().get(order[i]), probs[order[i]],
                        i + 1 < Math.min(topK, order.length) ? "," : ""));
            }
            out.println(line);
        }
        return 0;
    }
}
