package io.github.jvision.train;

/** The training loss became NaN or infinite; the run stops. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
