package io.github.jvision.train;

import java.util.Locale;

/**
 * Everything about training that is not the architecture.
 *
 * @param epochs         passes over the training set
 * @param batchSize      images per step
 * @param lr             peak learning rate
 * @param optimizer      SGD with Nesterov momentum, or AdamW
 * @param momentum       SGD momentum (ignored by AdamW, which uses beta1 0.9, beta2 0.999)
 * @param weightDecay    L2 penalty added to the gradient (SGD, as PyTorch's {@code weight_decay}) or
 *                       decoupled decay {@code p -= lr * wd * p} (AdamW, Loshchilov and Hutter 2019)
 * @param labelSmoothing epsilon of label smoothing, 0 for none
 * @param warmupEpochs   epochs of linear warm-up before cosine decay (fractional allowed)
 * @param seed           seeds initialisation, order and augmentation
 * @param augment        per-image augmentation spec (see {@code Augmentations.parse}, e.g. {@code crop-flip+rand-m9-n2})
 * @param workers        threads preparing batches
 * @param mixup          MixUp's Beta alpha, 0 for none (torchvision's recipe: 0.2)
 * @param cutmix         CutMix's Beta alpha, 0 for none (torchvision's recipe: 1.0); with both,
 *                       one of the two per batch
 */
public record TrainConfig(int epochs, int batchSize, double lr, Optimizer optimizer, double momentum,
                          double weightDecay, double labelSmoothing, double warmupEpochs, long seed,
                          String augment, int workers, double mixup, double cutmix) implements java.io.Serializable {

    /** The optimizers. */
    public enum Optimizer {
        SGD, ADAMW;

        /** @return the optimizer named (case-insensitive) {@code sgd} or {@code adamw} */
        public static Optimizer parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown optimizer '" + s + "'; expected sgd or adamw");
            }
        }
    }

    public TrainConfig {
        if (epochs < 1 || batchSize < 1 || workers < 1) {
            throw new IllegalArgumentException("epochs, batch size and workers must be at least 1; got "
                    + epochs + ", " + batchSize + ", " + workers);
        }
        if (!(lr > 0) || !(weightDecay >= 0) || !(momentum >= 0 && momentum < 1) || !(warmupEpochs >= 0)) {
            throw new IllegalArgumentException("need lr > 0, weight decay >= 0, momentum in [0, 1), warm-up >= 0;"
                    + " got lr " + lr + ", weight decay " + weightDecay + ", momentum " + momentum
                    + ", warm-up " + warmupEpochs);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1); got " + labelSmoothing);
        }
        if (!(mixup >= 0 && cutmix >= 0)) {
            throw new IllegalArgumentException("MixUp and CutMix alphas must be >= 0; got " + mixup + " and " + cutmix);
        }
    }

    /** Without MixUp or CutMix. */
    public TrainConfig(int epochs, int batchSize, double lr, Optimizer optimizer, double momentum,
                       double weightDecay, double labelSmoothing, double warmupEpochs, long seed,
                       String augment, int workers) {
        this(epochs, batchSize, lr, optimizer, momentum, weightDecay, labelSmoothing, warmupEpochs, seed, augment,
                workers, 0, 0);
    }

    /** The CLI defaults: SGD + Nesterov 0.9, lr 0.1, batch 128, weight decay 5e-4, 0.1 warm-up epochs, no augmentation. */
    public static TrainConfig defaults(int epochs) {
        return new TrainConfig(epochs, 128, 0.1, Optimizer.SGD, 0.9, 5e-4, 0.0, 0.1, 42, "none",
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }
}
