package io.github.jvision.train;

import io.github.jvision.weights.LoadReport;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.StateDict;
import io.github.jvision.weights.WeightsMismatchException;
import java.util.ArrayDeque;
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

/**
 * Fine-tuning a pretrained backbone: the model is built for the new task's K classes (its
 * classifier then has a new shape), the backbone's weights are loaded into everything but the
 * classifier, and the early layers can be frozen.
 */
public final class FineTune {
    private FineTune() {
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
        // DL4J skips backprop through frozen layers and frozen vertices (the residual additions and
        // pads inside the frozen part), so no gradient is computed there
        for (String v : frozen) {
            GraphVertex vertex = conf.getVertices().get(v);
            if (vertex instanceof LayerVertex lv) {
                if (!(lv.getLayerConf().getLayer() instanceof FrozenLayer)) {
                    lv.getLayerConf().setLayer(new FrozenLayer(lv.getLayerConf().getLayer()));
                }
            } else if (!(vertex instanceof FrozenVertex)) {
                conf.getVertices().put(v, new FrozenVertex(vertex));
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
        return ModelWeights.load(net, weights, false);
    }

    private static List<String> outside(List<String> keys, List<String> heads) {
        return keys.stream().filter(k -> heads.stream().noneMatch(k::startsWith)).toList();
    }
}
