package io.github.jvision.models;

/**
 * What a model is built for: its number of classes, input channels and input size, and whether
 * auxiliary classifiers are attached.
 *
 * @param numClasses  output classes, at least 1
 * @param inChannels  1 (grayscale) or 3 (RGB)
 * @param imageHeight input height in pixels
 * @param imageWidth  input width in pixels
 * @param auxLogits   attach the auxiliary classifiers of GoogLeNet ({@code aux1}, {@code aux2}) or
 *                    Inception v3 ({@code AuxLogits}) as extra graph outputs after the main one,
 *                    as torchvision's {@code aux_logits=True}; ignored by other families
 * @throws IllegalArgumentException on a value outside those ranges
 */
public record ModelOptions(int numClasses, int inChannels, int imageHeight, int imageWidth, boolean auxLogits) {
    public ModelOptions {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1; got " + numClasses);
        }
        if (inChannels != 1 && inChannels != 3) {
            throw new IllegalArgumentException("inChannels must be 1 (grayscale) or 3 (RGB); got " + inChannels);
        }
        if (imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException("image size must be positive; got " + imageHeight + "x" + imageWidth);
        }
    }

    /** No auxiliary classifiers. */
    public ModelOptions(int numClasses, int inChannels, int imageHeight, int imageWidth) {
        this(numClasses, inChannels, imageHeight, imageWidth, false);
    }

    /** A square input of {@code size x size}, no auxiliary classifiers. */
    public ModelOptions(int numClasses, int inChannels, int size) {
        this(numClasses, inChannels, size, size);
    }

    /** @return an architecture's reference setting: its data set's classes, RGB, its native size */
    public static ModelOptions reference(Architecture arch) {
        return new ModelOptions(arch.defaultClasses(), 3, arch.nativeSize());
    }

    /** @return these options with an input of {@code height x width} */
    public ModelOptions withSize(int height, int width) {
        return new ModelOptions(numClasses, inChannels, height, width, auxLogits);
    }

    /** @return these options with auxiliary classifiers on or off */
    public ModelOptions withAuxLogits(boolean on) {
        return new ModelOptions(numClasses, inChannels, imageHeight, imageWidth, on);
    }

    /**
     * Checks that a batch fits a model built with these options before any native op runs
     * (known fault C22: DL4J's own messages name the wrong axis or none).
     *
     * @param shape the input's shape, expected {@code [N, C, H, W]} with C = inChannels and H, W
     *              equal to the size the model was built for
     * @throws IllegalArgumentException naming the received and the expected shape, with a hint
     */
    public void checkInput(long[] shape) {
        String expected = "[N, " + inChannels + ", " + imageHeight + ", " + imageWidth + "] (N, C, H, W)";
        String got = java.util.Arrays.toString(shape);
        String hint = null;
        if (shape.length == 3) {
            hint = "missing batch dimension: add one, e.g. x.reshape(1, ...)";
        } else if (shape.length != 4) {
            hint = "images must be rank 4";
        } else if (shape[1] != inChannels && shape[3] == inChannels) {
            hint = "looks channels-last (NHWC): permute to NCHW, x.permute(0, 3, 1, 2)";
        } else if (shape[1] == 4 && inChannels == 3) {
            hint = "4 channels: drop the alpha channel";
        } else if (shape[1] != inChannels) {
            hint = "the model takes " + inChannels + " channel(s)";
        } else if (shape[2] != imageHeight || shape[3] != imageWidth) {
            hint = "resize to " + imageHeight + "x" + imageWidth;
        }
        if (hint != null) {
            throw new IllegalArgumentException("input of shape " + got + " does not fit; expected " + expected
                    + ": " + hint);
        }
    }
}
