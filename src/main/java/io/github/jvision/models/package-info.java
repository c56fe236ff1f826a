/**
 * Model families as tables of variants plus one builder each, and the name registry
 * {@link io.github.jvision.models.Models}. Names are torchvision's ({@code resnet50}); layer
 * names are torchvision's module paths. Models take {@code [N, C, H, W]} float32 input and
 * output class probabilities {@code [N, numClasses]}; they do not normalise their input.
 */
package io.github.jvision.models;
