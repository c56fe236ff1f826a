package io.github.jvision.augment;

import java.util.List;
import java.util.Locale;

/** Parses augmentation specs given as strings (as on the command line). */
public final class Augmentations {
    private Augmentations() {
    }

    /**
     * Builds the training transform named by {@code spec} for {@code height x width} images.
     * {@code none}: identity. {@code crop-flip}: random crop with {@code round(H/8)} zero padding
     * (4 for 28 and 32 pixels, the CIFAR recipe of He et al. 2015, section 4.2) and horizontal flip
     * with p = 0.5.
     *
     * @throws IllegalArgumentException for an unknown spec
     */
    public static Transform parse(String spec, int height, int width) {
        return switch (spec.toLowerCase(Locale.ROOT)) {
            case "none" -> Transform.identity();
            case "crop-flip" -> Transform.compose(List.of(
                    new RandomCrop(height, width, Math.max(1, Math.round(height / 8f)), 0f),
                    new RandomHorizontalFlip(0.5)));
            default -> throw new IllegalArgumentException("unknown augmentation '" + spec + "'; expected none or crop-flip");
        };
    }
}
