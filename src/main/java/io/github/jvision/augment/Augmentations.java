package io.github.jvision.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses augmentation specs given as strings (as on the command line), in the convention timm
 * made common. A spec is one or more parts joined by {@code +}, applied in order:
 * <ul>
 *   <li>{@code none}: the identity;</li>
 *   <li>{@code crop-flip}: random crop with {@code round(H/8)} zero padding (4 for 28 and 32
 *       pixels, the CIFAR recipe of He et al. 2015, section 4.2) and horizontal flip with p = 0.5;</li>
 *   <li>{@code flip}: horizontal flip with p = 0.5;</li>
 *   <li>{@code rrc}: {@link RandomResizedCrop} to the image's own size, torchvision's defaults;</li>
 *   <li>{@code rand-mM-nN}: {@link RandAugment} with N operations at magnitude M of 31 bins
 *       (timm's {@code rand-m9-n2}; either part may be omitted: m9, n2);</li>
 *   <li>{@code trivialaugment}: {@link TrivialAugmentWide};</li>
 *   <li>{@code autoaugment}: {@link AutoAugment} with the ImageNet policy;</li>
 *   <li>{@code erase-P}: {@link RandomErasing} with probability P (e.g. {@code erase-0.25}).</li>
 * </ul>
 * For example {@code crop-flip+rand-m9-n2}.
 */
public final class Augmentations {
    private static final Pattern RAND = Pattern.compile("rand((?:-[mn]\\d+)*)");
    private static final Pattern ERASE = Pattern.compile("erase-(0?\\.\\d+|1(?:\\.0*)?|0)");

    private Augmentations() {
    }

    /**
     * Builds the training transform named by {@code spec} for {@code height x width} images.
     *
     * @throws IllegalArgumentException for an unknown or malformed spec, naming the part
     */
    public static Transform parse(String spec, int height, int width) {
        List<Transform> parts = new ArrayList<>();
        for (String part : spec.toLowerCase(Locale.ROOT).strip().split("\\+")) {
            parts.add(part(part.strip(), height, width));
        }
        return parts.size() == 1 ? parts.get(0) : Transform.compose(parts);
    }

    private static Transform part(String part, int height, int width) {
        switch (part) {
            case "none":
                return Transform.identity();
            case "crop-flip":
                return Transform.compose(List.of(
                        new RandomCrop(height, width, Math.max(1, Math.round(height / 8f)), 0f),
                        new RandomHorizontalFlip(0.5)));
            case "flip":
                return new RandomHorizontalFlip(0.5);
            case "rrc":
                return new RandomResizedCrop(height, width);
            case "trivialaugment":
                return new TrivialAugmentWide();
            case "autoaugment":
                return new AutoAugment();
            default:
                break;
        }
        Matcher rand = RAND.matcher(part);
        if (rand.matches()) {
            int m = 9, n = 2; // timm's and torchvision's defaults
            for (String opt : rand.group(1).split("-")) {
                if (!opt.isEmpty()) {
                    int v = Integer.parseInt(opt.substring(1));
                    if (opt.charAt(0) == 'm') {
                        m = v;
                    } else {
                        n = v;
                    }
                }
            }
            if (m > 30) {
                throw new IllegalArgumentException("augmentation '" + part + "': magnitude must be 0 to 30 (31 bins); got " + m);
            }
            return new RandAugment(n, m);
        }
        Matcher erase = ERASE.matcher(part);
        if (erase.matches()) {
            return new RandomErasing(Double.parseDouble(erase.group(1)));
        }
        throw new IllegalArgumentException("unknown augmentation '" + part + "'; expected none, crop-flip, flip, rrc, "
                + "rand-mM-nN (e.g. rand-m9-n2), trivialaugment, autoaugment or erase-P, joined by +");
    }
}
