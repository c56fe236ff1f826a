package io.github.jvision.cli;

import io.github.jvision.AtomicFiles;
import io.github.jvision.eval.Features;
import io.github.jvision.eval.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jvision forward}: one inference pass on a NumPy array, writing the logits. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run a model with a weights file (torch.save .pth/.pt/.bin or .safetensors, torchvision's keys) "
                + "on a NumPy array [N, C, H, W] float32 and write the logits [N, K] (or, with --features, the "
                + "embeddings [N, D]) float32 as .npy.")
final class ForwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model name (see: jvision models).")
    String model;

    @Option(names = "--weights", required = true, description = "Weights file with torchvision's state-dict keys (timm's EfficientNet keys are renamed).")
    Path weights;

    @Option(names = "--input", required = true, description = "Input .npy, [N, C, H, W] float32, already normalised.")
    Path input;

    @Option(names = "--output", required = true, description = "Output .npy: the logits [N, K] float32, or with --features the embeddings [N, D].")
    Path output;

    @Option(names = "--features", description = "Write the embeddings [N, D] the classifier reads (pooled features) instead of the logits.")
    boolean features;

    @Option(names = "--num-classes", description = "Classes K (default: the weights' classifier rows).")
    Integer numClasses;

    @Override
    public Integer call() throws IOException {
        INDArray x = readNpy(input);
        if (x.rank() != 4) {
            throw new IllegalArgumentException(input + ": expected an array [N, C, H, W]; got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        ComputationGraph net = Pretrained.load(model, weights, (int) x.size(1), (int) x.size(2), (int) x.size(3),
                numClasses);
        INDArray y;
        if (features) {
            y = Features.of(net, x.castTo(DataType.FLOAT));
        } else {
            try (Predictor predictor = Predictor.of(net)) {
                y = predictor.logits(x.castTo(DataType.FLOAT));
            }
        }
        AtomicFiles.write(output, tmp -> Nd4j.writeAsNumpy(y, tmp.toFile()));
        spec.commandLine().getOut().printf("%s: %s %s written to %s%n", model, features ? "features" : "logits",
                java.util.Arrays.toString(y.shape()), output);
        return 0;
    }

    static INDArray readNpy(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "input file not found");
        }
        try {
            return Nd4j.createFromNpyFile(file.toFile());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable NumPy .npy array (" + e.getMessage() + ")", e);
        }
    }
}
