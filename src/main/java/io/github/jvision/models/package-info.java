/**
 * Model families as tables of variants plus one builder each (AlexNet, VGG, GoogLeNet, Inception
 * v3, ResNet, EfficientNet), and the name registry {@link io.github.jvision.models.Models}. Names
 * are torchvision's ({@code resnet50}, {@code efficientnet_b0}); layer names are torchvision's
 * module paths; parameter counts and MACs equal torchvision's (Inception v3's with its optional
 * auxiliary head, which torchvision counts). Models take {@code [N, C, H, W]}
 * float32 input and output class probabilities {@code [N, numClasses]} (auxiliary classifiers, when
 * asked for, as further outputs); they do not normalise their input.
 */
package io.github.jvision.models;
