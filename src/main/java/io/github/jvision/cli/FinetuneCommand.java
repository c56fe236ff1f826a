package io.github.jvision.cli;

import io.github.jvision.models.Architecture;
import io.github.jvision.models.Models;
import io.github.jvision.train.FineTune;
import io.github.jvision.train.Trainer;
import io.github.jvision.weights.Preprocessing;
import io.github.jvision.weights.WeightsMeta;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jvision finetune}: train a pretrained model on a new data set, with a new classifier, the
 * early layers optionally frozen and a lower learning rate for the backbone.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune pretrained weights (torchvision's or timm's .pth/.safetensors, or jvision export's) on a "
                + "data set: a new classifier for its classes, optionally frozen early layers, evaluated every epoch.")
final class FinetuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Mixin
    TrainOptions training = new TrainOptions();

    @Option(names = "--model", required = true, description = "Model name (see: jvision models).")
    String model;

    @Option(names = "--weights", required = true, description = "Pretrained weights (.pth, .pt or .safetensors).")
    Path weights;

    @Option(names = "--meta", description = "Weights metadata JSON whose mean/std and size the inputs get "
            + "(default: the weights file's name with .json, if present; else the data set's own statistics).")
    Path meta;

    @Option(names = "--num-classes", description = "Classes of the new classifier; checked against the data set's.")
    Integer numClasses;

    @Option(names = "--freeze-until", paramLabel = "LAYER",
            description = "Freeze this module (e.g. layer2, features.4) and everything before it; 'backbone' freezes all "
                    + "but the classifier (a linear probe). Frozen BN layers keep their running statistics.")
    String freezeUntil;

    @Option(names = "--unfreeze-after", defaultValue = "0", paramLabel = "EPOCHS",
            description = "Train the frozen layers too after this many epochs (fewer than --epochs); 0 for never (default: ${DEFAULT-VALUE}).")
    int unfreezeAfter;

    @Option(names = "--backbone-lr-scale", defaultValue = "1",
            description = "Learning rate of all but the classifier, relative to --lr, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double backboneLrScale;

    @Override
    public Integer call() throws Exception {
        Architecture arch = Models.get(model);
        var config = training.config(0.01);
        var plan = new FineTune.Plan(weights.toAbsolutePath(), freezeUntil, unfreezeAfter, backboneLrScale);
        checkPlan(arch, config.epochs());
        if (!Files.isRegularFile(weights)) {
            throw new java.nio.file.NoSuchFileException(weights + ": no such weights file");
        }
        if (meta != null && !Files.isRegularFile(meta)) {
            throw new java.nio.file.NoSuchFileException(meta + ": no such weights metadata file (--meta)");
        }
        Optional<WeightsMeta> wm = meta != null ? Optional.of(WeightsMeta.read(meta)) : WeightsMeta.of(weights);
        Optional<Preprocessing> prep = wm.map(WeightsMeta::preprocessing);
        DatasetOptions.Loaded d = data.load(prep.map(p -> p.mean().length).orElse(3),
                prep.map(Preprocessing::cropSize).orElse(arch.nativeSize()));
        if (numClasses != null && numClasses != d.train().classes().size()) {
            throw new IllegalArgumentException("--num-classes " + numClasses + " but the data set has "
                    + d.train().classes().size() + " classes " + d.train().classes());
        }
        if (prep.isPresent() && prep.get().mean().length != d.train().channels()) {
            throw new IllegalArgumentException("the weights expect " + prep.get().mean().length + "-channel inputs; the "
                    + "data set was read with " + d.train().channels() + (data.isFolder() ? " (--channels)" : ""));
        }
        String name = arch.modelName();
        var run = new Trainer.Run(name, training.limit(data, d.train()), d.test(),
                prep.map(Preprocessing::mean).orElse(d.mean()), prep.map(Preprocessing::std).orElse(d.std()), config,
                training.out(name + "-finetune"), training.resume, false, plan);
        training.run(run, spec.commandLine().getOut(), d);
        return 0;
    }

    /** The freezing options, checked against the model before any image is read. */
    private void checkPlan(Architecture arch, int epochs) {
        if (unfreezeAfter > 0 && freezeUntil == null) {
            throw new IllegalArgumentException("--unfreeze-after needs --freeze-until");
        }
        if (unfreezeAfter >= epochs) {
            throw new IllegalArgumentException("--unfreeze-after " + unfreezeAfter + " must be less than --epochs "
                    + epochs + ", or nothing would be unfrozen");
        }
        if (freezeUntil != null && !freezeUntil.equals(FineTune.BACKBONE)) {
            var conf = Models.configure(arch.modelName(), io.github.jvision.models.ModelOptions.reference(arch));
            FineTune.freezeUntil(conf, freezeUntil);
        }
    }
}
