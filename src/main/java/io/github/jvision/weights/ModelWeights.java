package io.github.jvision.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Moves parameters between a jvision model and a {@link StateDict} with torchvision's keys. jvision's
 * layer names are torchvision's module paths, so a key is the layer name plus PyTorch's parameter
 * name; the layouts, all handled here:
 * <ul>
 *   <li>convolution weights are {@code [out, in, kh, kw]} in both;</li>
 *   <li>depthwise weights are DL4J {@code [kh, kw, C, 1]}, PyTorch {@code [C, 1, kh, kw]};</li>
 *   <li>linear weights are DL4J {@code [in, out]}, PyTorch {@code [out, in]};</li>
 *   <li>biases and BN vectors are DL4J {@code [C]} or {@code [1, C]}, PyTorch {@code [C]}; BN's DL4J
 *       {@code gamma, beta, mean, var} are {@code weight, bias, running_mean, running_var}
 *       (a layer storing log10(std) instead of the variance is converted).</li>
 * </ul>
 * BN's {@code num_batches_tracked} counter has no DL4J counterpart: it is ignored when loading and
 * written as 0 when saving, so that PyTorch's strict {@code load_state_dict} accepts the file.
 */
public final class ModelWeights {
    private static final String BATCHES_TRACKED = "num_batches_tracked";
    /**
     * Auxiliary classifiers of GoogLeNet and Inception v3: torchvision's files carry them, and
     * torchvision drops them for inference and fine-tuning, as {@link #read} does.
     */
    private static final String[] AUX_HEADS = {"aux1.", "aux2.", "AuxLogits."};

    private ModelWeights() {
    }

    /** How a DL4J parameter is laid out relative to its PyTorch tensor. */
    private enum Layout {
        SAME, VECTOR, TRANSPOSED, DEPTHWISE, LOG10_STD;

        INDArray toTorch(INDArray p) {
            return switch (this) {
                case SAME -> p.dup('c');
                case VECTOR -> p.dup('c').reshape('c', new long[]{p.length()});
                case TRANSPOSED -> p.transpose().dup('c');
                // [kh, kw, C, m] -> [C, m, kh, kw] -> [C*m, 1, kh, kw]
                case DEPTHWISE -> p.permute(2, 3, 0, 1).dup('c')
                        .reshape('c', p.size(2) * p.size(3), 1, p.size(0), p.size(1));
                // var = std^2 = 10^(2 log10(std))
                case LOG10_STD -> Transforms.exp(p.mul(2 * Math.log(10)), true).reshape('c', new long[]{p.length()});
            };
        }

        INDArray fromTorch(INDArray t, long[] shape) {
            return switch (this) {
                case SAME, VECTOR -> t.reshape('c', shape);
                case TRANSPOSED -> t.transpose();
                case DEPTHWISE -> t.reshape('c', shape[2], shape[3], shape[0], shape[1]).permute(2, 3, 0, 1);
                case LOG10_STD -> Transforms.log(t, 10, true).divi(2).reshape('c', shape);
            };
        }

        long[] torchShape(long[] s) {
            return switch (this) {
                case SAME -> s;
                case VECTOR, LOG10_STD -> new long[]{Arrays.stream(s).reduce(1, (a, b) -> a * b)};
                case TRANSPOSED -> new long[]{s[1], s[0]};
                case DEPTHWISE -> new long[]{s[2] * s[3], 1, s[0], s[1]};
            };
        }
    }

    /** One PyTorch tensor and the DL4J parameter that holds it. */
    private record Slot(String key, Layer layer, String name, Layout layout) {
        INDArray param() {
            return layer.getParam(name);
        }

        long[] torchShape() {
            return layout.torchShape(param().shape());
        }
    }

    /**
     * Reads a weights file ({@link StateDict#read}) into torchvision's names for a jvision model
     * without auxiliary classifiers: timm's names are mapped ({@link TimmNames}), and the
     * auxiliary classifiers' keys ({@code aux1.}, {@code aux2.}, {@code AuxLogits.}) are dropped.
     *
     * @throws IOException as {@link StateDict#read} does
     */
    public static StateDict read(Path file) throws IOException {
        return TimmNames.toTorchvision(StateDict.read(file)).without(AUX_HEADS);
    }

    /**
     * @return every parameter and BN running statistic of {@code model} under torchvision's keys
     *         and layouts (float32, C order), plus a 0 {@code num_batches_tracked} per BN layer
     */
    public static StateDict stateDict(ComputationGraph model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Slot s : slots(model)) {
            out.put(s.key, s.layout.toTorch(s.param()));
            if (s.key.endsWith(".running_var")) {
                String bn = s.key.substring(0, s.key.length() - "running_var".length());
                out.put(bn + BATCHES_TRACKED, Nd4j.scalar(0L));
            }
        }
        return new StateDict(out);
    }

    /**
     * Copies {@code weights} into {@code model}, converting layouts and casting to the model's
     * data type.
     *
     * @param strict if true, nothing is copied unless every key fits; if false, the keys that fit
     *               are copied and the rest reported
     * @return what was loaded, missing, unexpected and mismatched
     * @throws WeightsMismatchException in strict mode, listing every key that does not fit
     */
    public static LoadReport load(ComputationGraph model, StateDict weights, boolean strict) {
        Plan plan = plan(model, weights);
        if (strict && !plan.report.complete()) {
            throw new WeightsMismatchException(plan.report);
        }
        for (Slot s : plan.fitting) {
            INDArray p = s.param();
            INDArray t = weights.tensors().get(s.key).castTo(p.dataType());
            p.assign(s.layout.fromTorch(t, p.shape()));
        }
        return plan.report;
    }

    /** @return what {@link #load} would report, without copying anything */
    public static LoadReport check(ComputationGraph model, StateDict weights) {
        return plan(model, weights).report;
    }

    private record Plan(LoadReport report, List<Slot> fitting) {
    }

    private static Plan plan(ComputationGraph model, StateDict weights) {
        List<Slot> slots = slots(model);
        Set<String> unexpected = new LinkedHashSet<>(weights.tensors().keySet());
        unexpected.removeIf(k -> k.endsWith("." + BATCHES_TRACKED));
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<Slot> fitting = new ArrayList<>();
        for (Slot s : slots) {
            unexpected.remove(s.key);
            INDArray t = weights.tensors().get(s.key);
            if (t == null) {
                missing.add(s.key);
            } else if (!Arrays.equals(t.shape(), s.torchShape())) {
                mismatched.add(s.key + ": model " + Arrays.toString(s.torchShape()) + ", file " + Arrays.toString(t.shape()));
            } else {
                fitting.add(s);
            }
        }
        return new Plan(new LoadReport(fitting.stream().map(Slot::key).toList(), missing, List.copyOf(unexpected),
                mismatched), fitting);
    }

    private static List<Slot> slots(ComputationGraph model) {
        List<Slot> slots = new ArrayList<>();
        for (Layer layer : model.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf instanceof FrozenLayer f) {
                conf = f.getLayer();
            }
            String name = conf.getLayerName();
            Map<String, INDArray> params = layer.paramTable();
            if (conf instanceof BatchNormalization) {
                slots.add(new Slot(name + ".weight", layer, "gamma", Layout.VECTOR));
                slots.add(new Slot(name + ".bias", layer, "beta", Layout.VECTOR));
                slots.add(new Slot(name + ".running_mean", layer, "mean", Layout.VECTOR));
                slots.add(params.containsKey("var") ? new Slot(name + ".running_var", layer, "var", Layout.VECTOR)
                        : new Slot(name + ".running_var", layer, "log10stdev", Layout.LOG10_STD));
            } else if (conf instanceof FeedForwardLayer && params.containsKey("W")) {
                Layout w = conf instanceof DepthwiseConvolution2D ? Layout.DEPTHWISE
                        : conf instanceof ConvolutionLayer ? Layout.SAME : Layout.TRANSPOSED;
                slots.add(new Slot(name + ".weight", layer, "W", w));
                if (params.containsKey("b")) {
                    slots.add(new Slot(name + ".bias", layer, "b", Layout.VECTOR));
                }
            } else if (!params.isEmpty()) {
                throw new IllegalArgumentException("layer " + name + " (" + conf.getClass().getSimpleName()
                        + ") has parameters " + params.keySet() + " with no PyTorch mapping");
            }
        }
        return slots;
    }

}
