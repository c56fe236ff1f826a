package io.github.jvision.train;

/**
 * One epoch of training, as written to the training log.
 *
 * @param epoch        1-based epoch number
 * @param trainLoss    mean training loss over the epoch's steps (cross-entropy, natural log)
 * @param testLoss     mean test cross-entropy
 * @param testTop1     test top-1 accuracy in [0, 1]
 * @param testTop5     test top-5 accuracy in [0, 1]
 * @param lr           learning rate at the epoch's last step
 * @param trainSeconds wall-clock seconds of the epoch's training steps
 * @param imagesPerSec training throughput
 */
public record EpochStats(int epoch, double trainLoss, double testLoss, double testTop1, double testTop5,
                         double lr, double trainSeconds, double imagesPerSec) {
}
