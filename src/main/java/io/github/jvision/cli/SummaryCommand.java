package io.github.jvision.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code jvision summary}: per-layer shapes, parameters and MACs of one model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shapes, trainable parameters and MACs of a model.")
final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model name (see: jvision models).")
    String model;

    @Option(names = "--num-classes", description = "Output classes (default: 1000 for ImageNet models, 10 for CIFAR ones).")
    Integer numClasses;

    @Option(names = "--in-channels", defaultValue = "3", description = "1 or 3 (default: ${DEFAULT-VALUE}).")
    int inChannels;

    @Option(names = "--image-size", description = "Input size in pixels (default: the model's native size).")
    Integer imageSize;

    @Option(names = "--aux-logits", description = "Include the auxiliary classifiers (googlenet, inception_v3).")
    boolean auxLogits;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var arch = Models.get(model);
        int size = imageSize == null ? arch.nativeSize() : imageSize;
        ModelOptions o = new ModelOptions(numClasses == null ? arch.defaultClasses() : numClasses, inChannels, size, size,
                auxLogits);
        Summary s = Summary.of(arch.modelName(), o);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(new Json(s.model(), s.params(), s.macs(), s.input(),
                    o.numClasses(), s.layers())));
            return 0;
        }
        int width = s.layers().stream().mapToInt(r -> r.name().length()).max().orElse(5);
        String row = "%-" + width + "s %-26s %-16s %,12d %,14d%n";
        out.printf("%-" + width + "s %-26s %-16s %12s %14s%n", "layer", "type", "output", "params", "MACs");
        for (Summary.Row r : s.layers()) {
            out.printf(row, r.name(), r.type(), Arrays.toString(r.output()),
                    r.params(), r.macs());
        }
        out.printf("%s: input %s, %,d trainable parameters, %,d MACs (%.3f G)%n", s.model(),
                Arrays.toString(s.input()), s.params(), s.macs(), s.macs() / 1e9);
        return 0;
    }

    record Json(String model, long params, long macs, long[] input, int num_classes, java.util.List<Summary.Row> layers) {
    }
}
