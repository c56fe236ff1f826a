/**
 * Blocks that write layers into a DL4J {@code ComputationGraph} configuration and return a
 * {@link io.github.jvision.nn.Node} handle to their output: conv-BN-activation, pooling,
 * residual blocks (He et al. 2015) and the classifier head. Layer names follow torchvision's
 * module paths ({@code layer1.0.conv1}) so that weights map by name. Activations are NCHW.
 */
package io.github.jvision.nn;
