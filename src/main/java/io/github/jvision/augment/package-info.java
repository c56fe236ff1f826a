/**
 * All randomness on images and labels. Per-image transforms ({@link io.github.jvision.augment.Transform})
 * work on one {@code [C, H, W]} float32 image in [0, 1] and never see labels; batch-level label
 * operations (label smoothing here; MixUp and CutMix later) own the targets. Random transforms
 * draw only from the generator they are given, which the loader derives from (seed, epoch,
 * sample index), so results do not depend on thread scheduling.
 */
package io.github.jvision.augment;
