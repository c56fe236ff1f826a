package io.github.jvision.weights;

/**
 * A state dict that does not fit the model in strict loading: the message lists every missing,
 * unexpected and shape-mismatched key at once, and {@link #report()} holds them.
 */
public class WeightsMismatchException extends IllegalArgumentException {
    private final transient LoadReport report;

    public WeightsMismatchException(LoadReport report) {
        super("the weights do not fit the model: " + report);
        this.report = report;
    }

    /** @return the keys that did not fit */
    public LoadReport report() {
        return report;
    }
}
