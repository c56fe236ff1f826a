package io.github.jvision.weights;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.jvision.augment.Geometric;
import io.github.jvision.image.Image;
import io.github.jvision.image.Interpolation;

/**
 * How a weight set's images are prepared for inference, as torchvision's
 * {@code ImageClassification} preset: resize the shorter side to {@code resizeSize} (the longer
 * side to {@code int(resizeSize * long / short)}), with antialiasing when shrinking; take the
 * central {@code cropSize x cropSize}; normalise per channel with {@code mean} and {@code std}.
 *
 * @param resizeSize    pixels of the shorter side after resizing
 * @param cropSize      side of the square centre crop, the model's input size
 * @param interpolation resampling filter of the resize
 * @param mean          per-channel mean of the [0, 1] pixels
 * @param std           per-channel standard deviation
 */
public record Preprocessing(@JsonProperty("resize_size") int resizeSize, @JsonProperty("crop_size") int cropSize,
                            Interpolation interpolation, float[] mean, float[] std) {
    /** ImageNet's channel statistics, used by torchvision's and timm's ImageNet weights. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** See {@link #IMAGENET_MEAN}. */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public Preprocessing {
        if (resizeSize < 1 || cropSize < 1 || mean == null || std == null || mean.length != std.length) {
            throw new IllegalArgumentException("preprocessing needs resize_size >= 1, crop_size >= 1 and as many std as "
                    + "mean values; got resize_size " + resizeSize + ", crop_size " + cropSize);
        }
        if (interpolation == null) {
            interpolation = Interpolation.BILINEAR;
        }
    }

    /** torchvision's preset for most ImageNet weights: 256, crop 224, bilinear, ImageNet mean/std. */
    public static Preprocessing imagenet(int resizeSize, int cropSize) {
        return new Preprocessing(resizeSize, cropSize, Interpolation.BILINEAR, IMAGENET_MEAN.clone(), IMAGENET_STD.clone());
    }

    /**
     * @param img {@code [C, H, W]} float32 in [0, 1], C equal to the number of mean values
     * @return {@code [C, cropSize, cropSize]} normalised values, C-order, ready for the model
     * @throws IllegalArgumentException if the image's channels do not match mean/std
     */
    public float[] apply(Image img) {
        int h = img.height();
        int w = img.width();
        int newH = h <= w ? resizeSize : (int) ((long) resizeSize * h / w);
        int newW = h <= w ? (int) ((long) resizeSize * w / h) : resizeSize;
        Image resized = Geometric.resize(img, newH, newW, interpolation, true);
        Image crop = Geometric.centerCrop(resized, cropSize, cropSize);
        float[] out = new float[crop.data().length];
        crop.normalizeInto(mean, std, out, 0);
        return out;
    }
}
