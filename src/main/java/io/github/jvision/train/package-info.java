/**
 * Training: the training configuration (optimizer, schedule, regularisation, seed), the loop
 * with per-epoch evaluation, and atomic, resumable checkpoints.
 */
package io.github.jvision.train;
