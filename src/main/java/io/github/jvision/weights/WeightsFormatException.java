package io.github.jvision.weights;

import java.io.IOException;

/**
 * A weights file that cannot be read safely: truncated, malformed, inconsistent with itself, or
 * asking to run code (a pickle naming a global outside the allowlist). The message names the file
 * and says what was expected and what was found.
 */
public class WeightsFormatException extends IOException {
    public WeightsFormatException(String message) {
        super(message);
    }

    public WeightsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
