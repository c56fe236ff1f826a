package io.github.jvision.onednn;

/**
 * A graph holds a vertex that compiled inference has no oneDNN lowering for (the message names
 * the vertex and what it is); run that model through DL4J instead.
 */
public class UnsupportedLayerException extends IllegalArgumentException {
    public UnsupportedLayerException(String what) {
        super("compiled inference does not support " + what);
    }
}
