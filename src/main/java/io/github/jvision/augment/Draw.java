package io.github.jvision.augment;

import java.util.random.RandomGenerator;

/** Random draws shared by the transforms. */
final class Draw {
    private Draw() {
    }

    /**
     * @return a value uniform in [lo, hi), as {@code torch.empty(1).uniform_(lo, hi)}; lo when the
     *         range is empty (RandomGenerator's own {@code nextDouble(lo, hi)} rejects lo == hi)
     */
    static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
