package io.github.jvision.eval;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier's logits, the pre-softmax output that torchvision's models return. jvision's output
 * layers apply softmax (their loss is cross-entropy), so the logits are computed from the output
 * layer's input and parameters, {@code h W + b}, in inference mode.
 */
public final class Logits {
    private Logits() {
    }

    /**
     * @param model a jvision classifier (its first network output is a dense softmax layer)
     * @param input {@code [N, C, H, W]} float32, normalised as the model's weights expect
     * @return {@code [N, K]} float32 logits of the main classifier
     * @throws IllegalArgumentException if the input does not fit the model (DL4J's message)
     */
    public static INDArray of(ComputationGraph model, INDArray input) {
        Layer fc = model.getLayer(model.getConfiguration().getNetworkOutputs().get(0));
        return Features.of(model, input).mmul(fc.getParam("W")).addiRowVector(fc.getParam("b"));
    }
}
