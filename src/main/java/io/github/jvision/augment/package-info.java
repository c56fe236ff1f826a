/**
 * All randomness on images and labels, with torchvision 0.14's semantics. Functional operations
 * ({@link io.github.jvision.augment.Geometric}, {@link io.github.jvision.augment.Photometric}) are
 * pure functions on one {@code [C, H, W]} float32 image in [0, 1]; random per-image transforms
 * ({@link io.github.jvision.augment.Transform}: crops, flips, colour jitter, erasing, and the
 * policies RandAugment, TrivialAugmentWide and AutoAugment) first draw their parameters from the
 * generator they are given, which the loader derives from (seed, epoch, sample index), so results
 * do not depend on thread scheduling, and never see labels. Batch transforms
 * ({@link io.github.jvision.augment.BatchTransform}: MixUp, CutMix) and label smoothing own the
 * targets. {@link io.github.jvision.augment.Augmentations} parses specs such as
 * {@code crop-flip+rand-m9-n2}.
 */
package io.github.jvision.augment;
