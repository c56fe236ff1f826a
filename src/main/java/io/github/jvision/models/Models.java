package io.github.jvision.models;

import io.github.jvision.Backend;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of every model jvision builds, by torchvision's name.
 *
 * <pre>{@code
 * ComputationGraph net = Models.create("resnet20", new ModelOptions(10, 1, 28));
 * INDArray probs = net.outputSingle(images);   // images [N, 1, 28, 28] -> probs [N, 10]
 * }</pre>
 */
public final class Models {
    private static final Map<String, Architecture> REGISTRY = new LinkedHashMap<>();
    /** Prefix of EfficientNets scaled by an arbitrary compound coefficient, e.g. {@code efficientnet_phi1.5}. */
    static final String COMPOUND = "efficientnet_phi";

    static {
        List<Architecture[]> families = List.of(AlexNet.values(), VGG.values(), GoogLeNet.values(),
                InceptionV3.values(), ResNet.values(), EfficientNet.values());
        for (Architecture[] family : families) {
            for (Architecture a : family) {
                REGISTRY.put(a.modelName(), a);
            }
        }
    }

    private Models() {
    }

    /** @return every registered architecture, in registry order */
    public static List<Architecture> all() {
        return List.copyOf(REGISTRY.values());
    }

    /** @return every registered model name */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * @return the architecture registered as {@code name} (case-insensitive), or for
     *         {@code efficientnet_phiX} an EfficientNet scaled by compound coefficient X
     *         ({@link EfficientNet#compound})
     * @throws UnknownModelException if there is none; its message names the closest matches
     */
    public static Architecture get(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Architecture a = REGISTRY.get(key);
        if (a == null && key.startsWith(COMPOUND)) {
            try {
                return EfficientNet.compound(Double.parseDouble(key.substring(COMPOUND.length())));
            } catch (IllegalArgumentException e) { // also NumberFormatException
                throw new UnknownModelException(name, List.of(COMPOUND + "1", COMPOUND + "1.5"));
            }
        }
        if (a == null) {
            throw new UnknownModelException(name, closest(name.toLowerCase(Locale.ROOT)));
        }
        return a;
    }

    /** @return the configuration of model {@code name} built for {@code options} */
    public static ComputationGraphConfiguration configure(String name, ModelOptions options) {
        return get(name).configure(options);
    }

    /**
     * Builds model {@code name} with freshly initialised parameters, from a random seed.
     *
     * @throws UnknownModelException    if no model has that name
     * @throws IllegalArgumentException if the input size does not fit the architecture
     */
    public static ComputationGraph create(String name, ModelOptions options) {
        return create(name, options, new java.util.Random().nextLong());
    }

    /**
     * Builds model {@code name} with parameters initialised from {@code seed} (the same seed gives
     * the same parameters).
     *
     * @throws UnknownModelException    if no model has that name
     * @throws IllegalArgumentException if the input size does not fit the architecture
     */
    public static ComputationGraph create(String name, ModelOptions options, long seed) {
        Backend.init();
        ComputationGraphConfiguration conf = configure(name, options);
        conf.getDefaultConfiguration().setSeed(seed); // ComputationGraph.init() seeds ND4J's generator with it
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static List<String> closest(String name) {
        List<String> names = new ArrayList<>(REGISTRY.keySet());
        names.sort(Comparator.comparingInt(n -> distance(name, n)));
        int near = Math.max(2, name.length() / 3); // beyond this a name resembles none of them
        return names.stream().filter(n -> distance(name, n) <= near).limit(3).toList();
    }

    /** Levenshtein edit distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
