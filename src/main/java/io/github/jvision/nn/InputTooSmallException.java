package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A layer's input is too small (or otherwise does not fit) for its kernel, stride and padding,
 * e.g. a 3x3 valid convolution on a 1x1 activation. Models rethrow it naming the smallest input
 * size the architecture accepts.
 */
public class InputTooSmallException extends IllegalArgumentException {
    private final String layer;

    /**
     * @param layer  the layer that does not fit
     * @param input  the activation type it received
     * @param reason what does not fit
     */
    public InputTooSmallException(String layer, InputType input, String reason) {
        super("layer " + layer + " does not fit its input " + input + ": " + reason);
        this.layer = layer;
    }

    /** A model-level message wrapping a layer-level one. */
    public InputTooSmallException(String message, InputTooSmallException cause) {
        super(message, cause);
        this.layer = cause.layer;
    }

    /** @return the name of the layer that does not fit */
    public String layer() {
        return layer;
    }
}
