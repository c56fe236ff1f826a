package io.github.jvision.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/** A named network that can be built for given {@link ModelOptions}. */
public interface Architecture {
    /** @return torchvision's name, e.g. {@code resnet50} */
    String modelName();

    /** @return the family, e.g. {@code resnet} */
    String family();

    /** @return the input size (pixels, square) the architecture was designed for */
    int nativeSize();

    /** @return the number of classes of its reference data set (1000 for ImageNet, 10 for CIFAR-10) */
    int defaultClasses();

    /**
     * Builds the configuration (no parameters yet). Architecture only: no updater, seed or
     * regularisation, which belong to training.
     *
     * @throws IllegalArgumentException if the input is too small for the architecture
     */
    ComputationGraphConfiguration configure(ModelOptions options);
}
