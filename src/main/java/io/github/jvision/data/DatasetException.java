package io.github.jvision.data;

import java.io.IOException;

/**
 * A data set file that is missing, truncated, corrupt or not what it claims to be; the message
 * names the file, what was expected and what was found.
 */
public class DatasetException extends IOException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
