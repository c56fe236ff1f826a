package io.github.jvision.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per-layer output shapes, trainable parameters and multiply-accumulates (MACs) of a model
 * configuration, computed from the configuration alone (no parameters are allocated).
 *
 * <p>Trainable parameters exclude BN running mean and variance, as PyTorch's
 * {@code sum(p.numel() for p in model.parameters())} does. MACs count convolutions and
 * fully connected layers (one multiply-add per weight use), the convention behind torchvision's
 * "GFLOPS" column; BN, activations, pooling and adds are not counted.
 *
 * @param model  the model name
 * @param input  input shape {@code [C, H, W]}
 * @param layers one row per vertex in topological order
 */
public record Summary(String model, long[] input, List<Row> layers) {

    /**
     * One vertex.
     *
     * @param name   vertex name (torchvision module path)
     * @param type   DL4J layer or vertex class
     * @param output output shape without the batch axis: {@code [C, H, W]} or {@code [F]}
     * @param params trainable parameters
     * @param macs   multiply-accumulates per image
     */
    public record Row(String name, String type, long[] output, long params, long macs) {
    }

    /** @return total trainable parameters */
    public long params() {
        return layers.stream().mapToLong(Row::params).sum();
    }

    /** @return total multiply-accumulates per image */
    public long macs() {
        return layers.stream().mapToLong(Row::macs).sum();
    }

    /** Summarises model {@code name} built for {@code options}. */
    public static Summary of(String name, ModelOptions options) {
        return of(name, Models.configure(name, options), options);
    }

    /** Summarises a configuration whose single input is {@code [C, H, W]} as in {@code options}. */
    public static Summary of(String name, ComputationGraphConfiguration conf, ModelOptions options) {
        InputType in = InputType.convolutional(options.imageHeight(), options.imageWidth(), options.inChannels());
        Map<String, InputType> types = conf.getLayerActivationTypes(in);
        List<Row> rows = new ArrayList<>();
        // getVertices() keeps insertion order, and blocks add a vertex after its inputs
        for (String v : conf.getVertices().keySet()) {
            if (conf.getNetworkInputs().contains(v)) {
                continue;
            }
            var vertex = conf.getVertices().get(v);
            long[] out = shape(types.get(v));
            if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                rows.add(new Row(v, layer.getClass().getSimpleName(), out, trainableParams(layer), macs(layer, out)));
            } else {
                rows.add(new Row(v, vertex.getClass().getSimpleName(), out, 0, 0));
            }
        }
        return new Summary(name, shape(in), rows);
    }

    /** @return trainable parameters of one layer configuration (BN running statistics excluded) */
    public static long trainableParams(Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayer) {
            return 0; // a frozen layer's parameters are not trained
        }
        long n = layer.initializer().numParams(layer);
        if (layer instanceof BatchNormalization bn) {
            n -= 2 * bn.getNOut(); // running mean and variance are state, not parameters
        }
        return n;
    }

    private static long macs(Layer layer, long[] out) {
        if (layer instanceof ConvolutionLayer c) {
            long[] k = Arrays.stream(c.getKernelSize()).asLongStream().toArray();
            // a depthwise output channel sees one input channel, a dense one all of them
            long inPerOut = layer instanceof DepthwiseConvolution2D ? 1 : c.getNIn();
            return out[0] * out[1] * out[2] * inPerOut * k[0] * k[1];
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            FeedForwardLayer f = (FeedForwardLayer) layer;
            return f.getNIn() * f.getNOut();
        }
        return 0;
    }

    private static long[] shape(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional c) {
            return new long[]{c.getChannels(), c.getHeight(), c.getWidth()};
        }
        return new long[]{t.arrayElementsPerExample()};
    }
}
