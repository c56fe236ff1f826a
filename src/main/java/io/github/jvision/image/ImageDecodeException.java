package io.github.jvision.image;

import java.io.IOException;

/** An image file that is missing, empty, truncated or in a format no decoder reads; names the file. */
public class ImageDecodeException extends IOException {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
