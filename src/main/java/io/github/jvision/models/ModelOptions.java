package io.github.jvision.models;

/**
 * What a model is built for: its number of classes, input channels and input size.
 *
 * @param numClasses  output classes, at least 1
 * @param inChannels  1 (grayscale) or 3 (RGB)
 * @param imageHeight input height in pixels
 * @param imageWidth  input width in pixels
 * @throws IllegalArgumentException on a value outside those ranges
 */
public record ModelOptions(int numClasses, int inChannels, int imageHeight, int imageWidth) {
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

    /** A square input of {@code size x size}. */
    public ModelOptions(int numClasses, int inChannels, int size) {
        this(numClasses, inChannels, size, size);
    }

    /** @return torchvision's ImageNet setting for an architecture: 1000 classes, RGB, its native size */
    public static ModelOptions imagenet(Architecture arch) {
        return new ModelOptions(1000, 3, arch.nativeSize());
    }
}
