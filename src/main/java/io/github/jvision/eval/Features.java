package io.github.jvision.eval;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier's embeddings: the input of its final classifier layer, in inference mode. For the
 * ResNet and EfficientNet families these are the globally average-pooled features ({@code fc}'s and
 * {@code classifier.1}'s input in torchvision; 512 for resnet18, 2048 for resnet50, 1280 for
 * efficientnet_b0), what a linear probe or a nearest-neighbour search trains on. For AlexNet and
 * VGG they are the 4096 outputs of the last hidden classifier layer.
 */
public final class Features {
    private Features() {
    }

    /**
     * @param model a jvision classifier (its first network output is a dense layer)
     * @param input {@code [N, C, H, W]} float32, normalised as the model's weights expect
     * @return {@code [N, D]} float32, D the classifier's input width
     * @throws IllegalArgumentException if the input does not fit the model (DL4J's message)
     */
    public static INDArray of(ComputationGraph model, INDArray input) {
        ComputationGraphConfiguration conf = model.getConfiguration();
        String in = conf.getVertexInputs().get(conf.getNetworkOutputs().get(0)).get(0);
        INDArray h = model.feedForward(new INDArray[]{input}, false).get(in);
        return h.reshape('c', h.size(0), h.length() / h.size(0));
    }
}
