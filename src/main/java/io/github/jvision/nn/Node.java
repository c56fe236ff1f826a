package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Handle to the output of a vertex in a graph under construction: its name and the activation
 * type it produces, {@code [C, H, W]} for images ({@code [N, C, H, W]} with the batch axis) or
 * {@code [F]} for feature vectors. Blocks read channels and sizes from it, so nobody computes
 * {@code nIn} or spatial sizes by hand.
 *
 * @param name the vertex name, a torchvision module path such as {@code layer1.0.bn2}
 * @param type the activation type of one example
 */
public record Node(String name, InputType type) {

    /** @return channels of an image activation, or the width of a feature vector */
    public int channels() {
        return type instanceof InputType.InputTypeConvolutional c ? (int) c.getChannels()
                : (int) type.arrayElementsPerExample();
    }

    /** @return the height in pixels of an image activation */
    public long height() {
        return convolutional().getHeight();
    }

    /** @return the width in pixels of an image activation */
    public long width() {
        return convolutional().getWidth();
    }

    private InputType.InputTypeConvolutional convolutional() {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return c;
        }
        throw new IllegalStateException(name + " is not an image activation: " + type);
    }
}
