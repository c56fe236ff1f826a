package io.github.jvision.cli;

import io.github.jvision.eval.Evaluator;
import io.github.jvision.eval.Metrics;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jvision eval}: test-split metrics of a checkpoint. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on a data set's test split: top-1, top-5, per-class accuracy, confusion matrix.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Option(names = "--checkpoint", required = true, description = "Checkpoint written by jvision train.")
    Path checkpoint;

    @Option(names = "--json", description = "Print the metrics as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Checkpoint cp = Checkpoint.load(checkpoint);
        ModelOptions o = cp.meta().options();
        DatasetOptions.Loaded d = data.load(o.inChannels(), o.imageHeight());
        var test = d.test();
        if (test.channels() != o.inChannels() || test.height() != o.imageHeight() || test.width() != o.imageWidth()) {
            throw new IllegalArgumentException(checkpoint + " takes " + o.inChannels() + "x" + o.imageHeight() + "x"
                    + o.imageWidth() + " images; the data set has " + test.channels() + "x" + test.height() + "x"
                    + test.width());
        }
        if (!test.classes().equals(cp.meta().classes())) {
            throw new IllegalArgumentException(checkpoint + " classifies " + cp.meta().classes() + "; the data set has "
                    + test.classes() + " (see --classes)");
        }
        Metrics.Report r = Evaluator.evaluate(cp.net(), cp.meta().options(), test, cp.meta().mean(), cp.meta().std(), 256);
        var out = spec.commandLine().getOut();
        d.skipped().forEach(f -> spec.commandLine().getErr().println("skipped " + f));
        if (json) {
            out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r));
            return 0;
        }
        out.printf("%s on %s (%d images): top-1 %.2f%%, top-5 %.2f%%, loss %.4f%n", cp.meta().model(), test.name(),
                r.samples(), 100 * r.top1(), 100 * r.top5(), r.loss());
        for (int k = 0; k < r.classes().size(); k++) {
            out.printf("  %-14s %6.2f%%%n", r.classes().get(k), 100 * r.perClassAccuracy()[k]);
        }
        return 0;
    }
}
