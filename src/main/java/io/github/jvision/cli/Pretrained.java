package io.github.jvision.cli;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import io.github.jvision.weights.ModelWeights;
import io.github.jvision.weights.StateDict;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A model built for inference and filled, strictly, from a weights file (torchvision's or timm's names). */
final class Pretrained {
    private Pretrained() {
    }

    /**
     * @param numClasses classifier rows, or null to take them from the weights' classifier
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the weights do not fit the model (every key listed)
     */
    static ComputationGraph load(String model, Path weights, int channels, int height, int width, Integer numClasses)
            throws IOException {
        StateDict sd = ModelWeights.read(weights);
        ModelOptions options = new ModelOptions(1000, channels, height, width);
        int k = numClasses != null ? numClasses : classifierRows(model, sd, options);
        ComputationGraph net = Models.create(model, new ModelOptions(k, channels, height, width), 0);
        ModelWeights.load(net, sd, true);
        return net;
    }

    /** The row count of the weights' tensor for the model's classifier, or 1000 if absent. */
    static int classifierRows(String model, StateDict sd, ModelOptions options) {
        String out = Models.configure(model, options).getNetworkOutputs().get(0);
        INDArray w = sd.tensors().get(out + ".weight");
        return w == null || w.rank() != 2 ? 1000 : (int) w.size(0);
    }
}
