package io.github.jvision.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

import java.util.Locale;

/** A named network that can be built for given {@link ModelOptions}. */
public interface Architecture {
    /** @return the constant's name (families are enums); {@link #modelName} derives from it */
    String name();

    /** @return torchvision's name, e.g. {@code resnet50} */
    default String modelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the family, e.g. {@code resnet} */
    String family();

    /** @return the input size (pixels, square) the architecture was designed for */
    int nativeSize();

    /** @return the number of classes of its reference data set (1000 for ImageNet, 10 for CIFAR-10) */
    default int defaultClasses() {
        return 1000;
    }

    /**
     * Builds the configuration (no parameters yet). Architecture only: no updater, seed or
     * regularisation, which belong to training.
     *
     * @throws io.github.jvision.nn.InputTooSmallException if the input is too small for the
     *                                                     architecture, naming the smallest size that fits
     */
    ComputationGraphConfiguration configure(ModelOptions options);
}
