package io.github.jvision.nn;

/**
 * Batch-norm hyper-parameters in PyTorch's convention: {@code eps} added to the variance and
 * {@code momentum}, the weight of the batch statistic in the running average
 * ({@code running = (1 - momentum) * running + momentum * batch}; DL4J's decay is
 * {@code 1 - momentum}).
 *
 * @param eps      added to the variance before the square root
 * @param momentum weight of the current batch in the running statistics, in (0, 1]
 */
public record Norm(double eps, double momentum) {
    /** PyTorch's {@code nn.BatchNorm2d} default: eps 1e-5, momentum 0.1. */
    public static final Norm DEFAULT = new Norm(1e-5, 0.1);

    public Norm {
        if (!(eps > 0) || !(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch norm needs eps > 0 and momentum in (0, 1]; got eps " + eps
                    + ", momentum " + momentum);
        }
    }

    /** @return DL4J's decay, {@code 1 - momentum} */
    public double decay() {
        return 1 - momentum;
    }
}
