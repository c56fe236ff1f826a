package io.github.jvision.augment;

/**
 * Label smoothing (Szegedy et al. 2016, section 7), with the semantics of PyTorch's
 * {@code CrossEntropyLoss(label_smoothing=eps)}: the target of class y is
 * {@code (1 - eps) * onehot(y) + eps / K}.
 */
public final class LabelSmoothing {
    private LabelSmoothing() {
    }

    /**
     * Writes the (smoothed) target of {@code label} into {@code targets[offset .. offset+classes)}.
     *
     * @param targets target matrix, row-major; the row is overwritten
     * @param offset  start of the row
     * @param classes K
     * @param label   class index in [0, K)
     * @param epsilon smoothing in [0, 1); 0 gives a one-hot row
     * @throws IllegalArgumentException if epsilon is outside [0, 1)
     */
    public static void target(float[] targets, int offset, int classes, int label, double epsilon) {
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1); got " + epsilon);
        }
        float off = (float) (epsilon / classes);
        for (int k = 0; k < classes; k++) {
            targets[offset + k] = off;
        }
        targets[offset + label] += (float) (1 - epsilon);
    }
}
