package io.github.jvision.cli;

import io.github.jvision.image.Interpolation;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.train.Checkpoint;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.Preprocessing;
import io.github.jvision.weights.SafeTensors;
import io.github.jvision.weights.WeightsMeta;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jvision export}: a checkpoint's weights as safetensors with torchvision's keys, plus the sidecar metadata. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's weights as .safetensors with torchvision's keys (loadable by PyTorch, "
                + "jvision finetune, predict and forward) and its metadata (size, mean/std, classes) as the sidecar .json.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint written by jvision train or finetune.")
    Path checkpoint;

    @Option(names = "--output", required = true, description = "Output .safetensors file; the metadata goes next to it as .json.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!output.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException("--output " + output + ": expected a .safetensors file name (the "
                    + "metadata goes next to it as .json)");
        }
        Checkpoint cp = Checkpoint.load(checkpoint);
        Checkpoint.Meta m = cp.meta();
        ModelOptions o = m.options();
        if (o.imageHeight() != o.imageWidth()) {
            throw new IllegalArgumentException(checkpoint + ": trained on " + o.imageHeight() + "x" + o.imageWidth()
                    + " images; the metadata describes square inputs only");
        }
        // training resized each image to the model's size as a whole; the sidecar can only say
        // torchvision's "resize the shorter side, centre-crop", the same for images of that size
        // and for squares up to the resize's antialiasing (docs/weights.md)
        var prep = new Preprocessing(o.imageHeight(), o.imageHeight(), Interpolation.BILINEAR, m.mean(), m.std());
        SafeTensors.write(output, ModelWeights.stateDict(cp.net()));
        Path sidecar = WeightsMeta.sidecar(output);
        new WeightsMeta(prep, m.classes(), "jvision " + m.model() + " trained on " + m.dataset() + ", " + m.epochs()
                + " epochs").write(sidecar);
        spec.commandLine().getOut().printf("%s: wrote %s and %s%n", m.model(), output, sidecar);
        return 0;
    }
}
