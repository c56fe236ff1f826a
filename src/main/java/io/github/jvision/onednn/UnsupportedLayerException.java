package io.github.jvision.onednn;

/**
 * A graph holds a vertex that compiled inference or compiled training has no oneDNN lowering for
 * (the message names the vertex and what it lacks); run that model through DL4J instead.
 */
public class UnsupportedLayerException extends IllegalArgumentException {
    public UnsupportedLayerException(String what) {
        super("compiled execution does not support " + what);
    }
}
