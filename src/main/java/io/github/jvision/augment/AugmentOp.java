package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import io.github.jvision.image.Image;

/**
 * The operations of torchvision's automatic augmentation policies ({@code _apply_op} in
 * {@code transforms/autoaugment.py}), each with its magnitude in torchvision's units: shear as the
 * shear factor (applied as {@code atan} in degrees, about the top-left corner), translation in
 * pixels, rotation in degrees, the four enhancements as {@code 1 + magnitude}, posterize as bits,
 * solarize as the threshold in [0, 1] (torchvision's uint8 threshold / 255). Operations without a
 * magnitude ignore it.
 */
public enum AugmentOp {
    IDENTITY, SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y, ROTATE, BRIGHTNESS, COLOR, CONTRAST, SHARPNESS,
    POSTERIZE, SOLARIZE, AUTO_CONTRAST, EQUALIZE, INVERT;

    /**
     * Applies the operation.
     *
     * @param img       {@code [C, H, W]} in [0, 1]
     * @param magnitude see the class comment
     * @param mode      interpolation of the geometric operations (torchvision's policies: nearest)
     * @param fill      value of pixels from outside the image; null for zeros
     */
    public Image apply(Image img, double magnitude, Interpolation mode, float[] fill) {
        double shear = Math.toDegrees(Math.atan(magnitude));
        double[] corner = {0, 0};
        return switch (this) {
            case IDENTITY -> img;
            case SHEAR_X -> Geometric.affine(img, 0, 0, 0, 1, shear, 0, mode, fill, corner);
            case SHEAR_Y -> Geometric.affine(img, 0, 0, 0, 1, 0, shear, mode, fill, corner);
            case TRANSLATE_X -> Geometric.affine(img, 0, (int) magnitude, 0, 1, 0, 0, mode, fill, null);
            case TRANSLATE_Y -> Geometric.affine(img, 0, 0, (int) magnitude, 1, 0, 0, mode, fill, null);
            case ROTATE -> Geometric.rotate(img, magnitude, mode, fill);
            case BRIGHTNESS -> Photometric.adjustBrightness(img, 1 + magnitude);
            case COLOR -> Photometric.adjustSaturation(img, 1 + magnitude);
            case CONTRAST -> Photometric.adjustContrast(img, 1 + magnitude);
            case SHARPNESS -> Photometric.adjustSharpness(img, 1 + magnitude);
            case POSTERIZE -> Photometric.posterize(img, (int) magnitude);
            case SOLARIZE -> Photometric.solarize(img, magnitude);
            case AUTO_CONTRAST -> Photometric.autocontrast(img);
            case EQUALIZE -> Photometric.equalize(img);
            case INVERT -> Photometric.invert(img);
        };
    }

    /** @return whether a policy flips the magnitude's sign with probability 1/2 */
    public boolean signed() {
        return switch (this) {
            case SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y, ROTATE, BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> true;
            default -> false;
        };
    }

    /** @return whether the operation takes a magnitude */
    public boolean hasMagnitude() {
        return this != IDENTITY && this != AUTO_CONTRAST && this != EQUALIZE && this != INVERT;
    }

    /**
     * The two magnitude spaces of torchvision: RandAugment's and AutoAugment's ({@link #STANDARD})
     * and TrivialAugment's ({@link #WIDE}), each a range per operation split into bins.
     */
    public enum Space {
        /** Shear 0.3, translation 150/331 of the size, rotation 30 degrees, enhancements 0.9, posterize 8 to 4 bits. */
        STANDARD(0.3, 150.0 / 331.0, 0, 30, 0.9, 4),
        /** Shear 0.99, translation 32 pixels, rotation 135 degrees, enhancements 0.99, posterize 8 to 2 bits. */
        WIDE(0.99, 0, 32, 135, 0.99, 6);

        private final double shear, translateFraction, translatePixels, rotate, enhance;
        private final int posterizeSteps;

        Space(double shear, double translateFraction, double translatePixels, double rotate, double enhance,
              int posterizeSteps) {
            this.shear = shear;
            this.translateFraction = translateFraction;
            this.translatePixels = translatePixels;
            this.rotate = rotate;
            this.enhance = enhance;
            this.posterizeSteps = posterizeSteps;
        }

        /**
         * @return the magnitude of {@code op} at bin {@code bin} of {@code bins} (torchvision's
         *         {@code linspace(0, max, bins)[bin]}) for an {@code h x w} image
         */
        public double magnitude(AugmentOp op, int bin, int bins, int h, int w) {
            double t = bins > 1 ? (double) bin / (bins - 1) : 0;
            return switch (op) {
                case SHEAR_X, SHEAR_Y -> shear * t;
                case TRANSLATE_X -> (translatePixels > 0 ? translatePixels : translateFraction * w) * t;
                case TRANSLATE_Y -> (translatePixels > 0 ? translatePixels : translateFraction * h) * t;
                case ROTATE -> rotate * t;
                case BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> enhance * t;
                // 8 - round(bin / ((bins - 1) / steps)), torch.round: half to even
                case POSTERIZE -> 8 - Math.rint(bin / ((bins - 1) / (double) posterizeSteps));
                case SOLARIZE -> 1 - t; // linspace(255, 0) / 255
                default -> 0;
            };
        }
    }
}
