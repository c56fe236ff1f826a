/**
 * Blocks that write layers into a DL4J {@code ComputationGraph} configuration and return a
 * {@link io.github.jvision.nn.Node} handle to their output (name and activation type):
 * convolution ({@link io.github.jvision.nn.Conv}), batch norm ({@link io.github.jvision.nn.Norm})
 * and activation, pooling, residual blocks (He et al. 2015), Inception modules (Szegedy et al.
 * 2014, 2015), squeeze-and-excitation, MBConv with stochastic depth (EfficientNet) and the
 * classifier head. Where DL4J lacks an operation, a parameter-free custom vertex fills the gap
 * (channel padding, channel-wise scaling, drop path, adaptive average pooling), serialisable and
 * gradient-checked. Layer names follow torchvision's module paths ({@code layer1.0.conv1},
 * {@code features.2.1.block.2.fc1}) so that weights map by name. Activations are NCHW.
 */
package io.github.jvision.nn;
