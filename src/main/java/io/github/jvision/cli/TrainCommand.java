package io.github.jvision.cli;

import io.github.jvision.models.Architecture;
import io.github.jvision.models.Models;
import io.github.jvision.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code jvision train}: train and evaluate a model, with progress bars, logs, checkpoints and plots. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model from scratch, evaluating on the test split after every epoch.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Mixin
    TrainOptions training = new TrainOptions();

    @Option(names = "--model", required = true, description = "Model name (see: jvision models).")
    String model;

    @Option(names = "--aux-logits", description = "Also train the auxiliary classifiers (googlenet: aux1, aux2 with loss weight 0.3; inception_v3: AuxLogits, 0.4).")
    boolean auxLogits;

    @Override
    public Integer call() throws Exception {
        Architecture arch = Models.get(model);
        var config = training.config(0.1);
        DatasetOptions.Loaded d = data.load(3, arch.nativeSize());
        var train = training.limit(data, d.train());
        String name = arch.modelName();
        var run = new Trainer.Run(name, train, d.test(), d.mean(), d.std(), config, training.out(name), training.resume,
                auxLogits);
        training.run(run, spec.commandLine().getOut(), d);
        return 0;
    }
}
