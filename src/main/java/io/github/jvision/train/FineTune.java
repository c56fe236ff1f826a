package io.github.jvision.train;

import io.github.jvision.weights.LoadReport;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.StateDict;
import io.github.jvision.weights.WeightsMismatchException;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.nn.DropPathVertex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning a pretrained backbone: the model is built for the new task's K classes (its
 * classifier then has a new shape), the backbone's weights are loaded into everything but the
 * classifier, and the early layers can be frozen.
 */
public final class FineTune {
    private static final Logger log = LoggerFactory.getLogger(FineTune.class);
    /**
     * {@link Plan#freezeUntil} value that freezes every layer but the classifier: a linear probe
     * (no torchvision module of the models is named so).
     */
    public static final String BACKBONE = "backbone";

    private FineTune() {
    }

    /**
     * How a training run starts from pretrained weights (torchvision's fine-tuning recipe, in
     * options): the model is built for the data set's classes, the weights are loaded into all
     * but the classifier ({@link #loadBackbone}), the layers up to {@code freezeUntil} are frozen,
     * and unfrozen after {@code unfreezeAfter} epochs.
     *
     * @param weights         weights file (.pth, .pt or .safetensors; torchvision's or timm's names)
     * @param freezeUntil     module path to freeze up to and including ({@link #freezeUntil}), or
     *                        {@link #BACKBONE} for all but the classifier, or null to train all
     * @param unfreezeAfter   epochs after which the frozen layers train too; 0 for never
     * @param backboneLrScale the backbone's learning rate relative to the classifier's, in (0, 1]
     *                        (1 for one rate throughout; 0.1 is a common choice)
     */
    public record Plan(Path weights, String freezeUntil, int unfreezeAfter, double backboneLrScale) {
        public Plan {
            if (weights == null) {
                throw new IllegalArgumentException("fine-tuning needs a weights file");
            }
            if (unfreezeAfter < 0) {
                throw new IllegalArgumentException("unfreeze-after must be >= 0 epochs (0: never); got " + unfreezeAfter);
            }
            if (!(backboneLrScale > 0 && backboneLrScale <= 1)) {
                throw new IllegalArgumentException("backbone learning-rate scale must be in (0, 1]; got " + backboneLrScale);
            }
        }
    }

    /**
     * Builds {@code model} for {@code options} (the new task's classes), configured for training
     * with the backbone's learning rate scaled, frozen as planned, and filled with the plan's
     * weights in all but the classifier.
     *
     * @throws IOException              if the weights file cannot be read
     * @throws WeightsMismatchException if a backbone key does not fit (every one listed)
     * @throws IllegalArgumentException if the plan names no layer of the model
     */
    public static ComputationGraph network(String model, ModelOptions options, TrainConfig config, int stepsPerEpoch,
                                           Plan plan) throws IOException {
        StateDict weights = ModelWeights.read(plan.weights());
        ComputationGraphConfiguration conf = Models.configure(model, options);
        Trainer.configure(conf, config, stepsPerEpoch, plan.backboneLrScale());
        if (plan.freezeUntil() != null) {
            List<String> frozen = plan.freezeUntil().equals(BACKBONE) ? freezeBackbone(conf)
                    : freezeUntil(conf, plan.freezeUntil());
            log.info("frozen: {} layers, {} .. {}", frozen.size(), frozen.get(0), frozen.get(frozen.size() - 1));
        }
        Nd4j.getRandom().setSeed(config.seed());
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        LoadReport r = loadBackbone(net, weights);
        log.info("loaded {} tensors from {}; new classifier: {}", r.loaded().size(), plan.weights(), r.missing());
        return net;
    }

    /**
     * Freezes every layer but the network's classifiers (their inputs and all they depend on), for
     * a linear probe on the pretrained features.
     *
     * @return the frozen layers, in the order they were built
     */
    public static List<String> freezeBackbone(ComputationGraphConfiguration conf) {
        List<String> frozen = new ArrayList<>();
        for (String out : conf.getNetworkOutputs()) {
            for (String in : conf.getVertexInputs().get(out)) {
                frozen.addAll(freezeUntil(conf, in));
            }
        }
        return frozen.stream().distinct().toList();
    }

    /** @return whether any layer or vertex of {@code net} is frozen */
    public static boolean hasFrozen(ComputationGraph net) {
        return net.getConfiguration().getVertices().values().stream().anyMatch(v -> v instanceof FrozenVertex
                || v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FrozenLayer);
    }

    /**
     * A copy of {@code net} with every frozen layer and vertex trainable again, with the same
     * parameters, BN statistics and iteration count (the learning-rate schedule goes on). The
     * optimizer state starts afresh, as when a PyTorch user builds a new optimizer after
     * unfreezing; the unfrozen layers train with the learning rate configured before freezing.
     */
    public static ComputationGraph unfreeze(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration().clone();
        for (var e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FrozenLayer f) {
                lv.getLayerConf().setLayer(f.getLayer());
            } else if (e.getValue() instanceof FrozenVertex f) {
                e.setValue(f.getUnderlying() instanceof DropPathVertex d ? d.frozen(false) : f.getUnderlying());
            }
        }
        ComputationGraph out = new ComputationGraph(conf);
        out.init(net.params().dup(), false);
        out.getConfiguration().setIterationCount(net.getIterationCount()); // init starts the counts afresh
        out.getConfiguration().setEpochCount(net.getEpochCount());
        return out;
    }

    /**
     * Freezes the module {@code name} (a layer, or every layer under the module path, e.g.
     * {@code layer2} for {@code layer2.0.conv1 ... layer2.1.bn2}) and every layer it depends on, as
     * torchvision users do with {@code requires_grad_(False)} plus {@code eval()} on those modules:
     * frozen layers get no updates, and frozen BN layers normalise with, and keep, their running
     * statistics. Modifies {@code conf} in place; apply before building the network.
     *
     * @return the names of the frozen layers, in the order they were built
     * @throws IllegalArgumentException if no layer is named {@code name} or lies under it
     */
    public static List<String> freezeUntil(ComputationGraphConfiguration conf, String name) {
        Set<String> frozen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        conf.getVertices().keySet().stream().filter(v -> v.equals(name) || v.startsWith(name + ".")).forEach(todo::add);
        if (todo.isEmpty()) {
            throw new IllegalArgumentException("no layer named " + name + " or under it; expected a module path such as "
                    + "layer2 or features.3 (see: jvision summary)");
        }
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (conf.getVertices().containsKey(v) && frozen.add(v)) {
                todo.addAll(conf.getVertexInputs().getOrDefault(v, List.of()));
            }
        }
        List<String> classifiers = conf.getNetworkOutputs().stream().filter(frozen::contains).toList();
        if (!classifiers.isEmpty()) {
            throw new IllegalArgumentException("freezing " + name + " would freeze the classifier " + classifiers
                    + " too, leaving nothing to train; name a module before it, or 'backbone' for all but the classifier");
        }
        // DL4J skips backprop through frozen layers and frozen vertices (the residual additions and
        // pads inside the frozen part), so no gradient is computed there
        for (String v : frozen) {
            GraphVertex vertex = conf.getVertices().get(v);
            if (vertex instanceof LayerVertex lv) {
                if (!(lv.getLayerConf().getLayer() instanceof FrozenLayer)) {
                    FrozenLayer f = new FrozenLayer(lv.getLayerConf().getLayer());
                    f.setLayerName(v); // DL4J's constructor leaves it unset, and a saved graph then fails to load
                    lv.getLayerConf().setLayer(f);
                }
            } else if (!(vertex instanceof FrozenVertex)) {
                // FrozenVertex passes "training" on: a frozen drop path must be told to keep still
                conf.getVertices().put(v, new FrozenVertex(vertex instanceof DropPathVertex d ? d.frozen(true) : vertex));
            }
        }
        return conf.getVertices().keySet().stream().filter(frozen::contains)
                .filter(v -> conf.getVertices().get(v) instanceof LayerVertex).toList();
    }

    /**
     * Loads pretrained weights into everything but the classifier: keys of the network's output
     * layers may be missing from {@code weights} or differ in shape (a new head for K classes); every
     * other key must fit.
     *
     * @return what was loaded, and which classifier keys were left at their fresh initialisation
     * @throws WeightsMismatchException listing every backbone key that does not fit (nothing is
     *                                  copied then)
     */
    public static LoadReport loadBackbone(ComputationGraph net, StateDict weights) {
        LoadReport r = ModelWeights.check(net, weights);
        List<String> heads = net.getConfiguration().getNetworkOutputs().stream().map(h -> h + ".").toList();
        LoadReport backbone = new LoadReport(r.loaded(), outside(r.missing(), heads), outside(r.unexpected(), heads),
                outside(r.mismatched(), heads));
        if (!backbone.complete()) {
            throw new WeightsMismatchException(backbone);
        }
        // the classifier stays freshly initialised even where the file's has the same shape (its
        // rows are another task's classes)
        return ModelWeights.load(net, weights.without(heads.toArray(String[]::new)), false);
    }

    private static List<String> outside(List<String> keys, List<String> heads) {
        return keys.stream().filter(k -> heads.stream().noneMatch(k::startsWith)).toList();
    }
}
