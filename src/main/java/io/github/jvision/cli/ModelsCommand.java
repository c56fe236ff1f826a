package io.github.jvision.cli;

import io.github.jvision.models.Architecture;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.models.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jvision models}: the registry as a table. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List every model: family, parameters and MACs at its native RGB resolution for its reference data set (ImageNet: 1000 classes, CIFAR: 10).")
final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--markdown", description = "Print a Markdown table (as in docs/models.md).")
    boolean markdown;

    @Override
    public void run() {
        var out = spec.commandLine().getOut();
        String row = markdown ? "| %s | %s | %,d | %d | %.3f | %s |%n" : "%-16s %-12s %,14d %7d %10.3f %8s%n";
        if (markdown) {
            out.println("| model | family | params | classes | GMACs | input |");
            out.println("|---|---|---:|---:|---:|---|");
        } else {
            out.printf("%-16s %-12s %14s %7s %10s %8s%n", "model", "family", "params", "classes", "GMACs", "input");
        }
        for (Architecture a : Models.all()) {
            Summary s = Summary.of(a.modelName(), ModelOptions.reference(a));
            out.printf(row, a.modelName(), a.family(), s.params(), a.defaultClasses(), s.macs() / 1e9,
                    a.nativeSize() + "x" + a.nativeSize());
        }
    }
}
