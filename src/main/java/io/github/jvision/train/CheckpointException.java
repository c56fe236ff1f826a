package io.github.jvision.train;

import java.io.IOException;

/** A checkpoint file that is missing, corrupt or not a jvision checkpoint. */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
