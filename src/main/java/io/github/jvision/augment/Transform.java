package io.github.jvision.augment;

import io.github.jvision.image.Image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A per-image transform. Random ones draw every random choice from {@code rng} and nothing
 * else. Implementations may return a new image or the input itself; they must not modify the
 * input.
 */
@FunctionalInterface
public interface Transform {
    /**
     * @param image {@code [C, H, W]} float32, values in [0, 1]
     * @param rng   the only source of randomness (may be null for deterministic transforms)
     * @return the transformed image, {@code [C, H', W']}
     */
    Image apply(Image image, RandomGenerator rng);

    /** The identity. */
    static Transform identity() {
        return (image, rng) -> image;
    }

    /**
     * Applies all of {@code transforms} in order with probability {@code p}, else none, as
     * torchvision's {@code RandomApply}.
     *
     * @throws IllegalArgumentException if p is outside [0, 1]
     */
    static Transform randomApply(List<Transform> transforms, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1]; got " + p);
        }
        Transform all = compose(transforms);
        return (image, rng) -> rng.nextDouble() < p ? all.apply(image, rng) : image;
    }

    /**
     * Applies one of {@code transforms}, chosen uniformly, as torchvision's {@code RandomChoice}.
     *
     * @throws IllegalArgumentException if the list is empty
     */
    static Transform randomChoice(List<Transform> transforms) {
        List<Transform> ts = List.copyOf(transforms);
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("RandomChoice needs at least one transform");
        }
        return (image, rng) -> ts.get(rng.nextInt(ts.size())).apply(image, rng);
    }

    /** Applies {@code transforms} in order, as torchvision's {@code Compose}. */
    static Transform compose(List<Transform> transforms) {
        List<Transform> ts = List.copyOf(transforms);
        return (image, rng) -> {
            Image x = image;
            for (Transform t : ts) {
                x = t.apply(x, rng);
            }
            return x;
        };
    }
}
