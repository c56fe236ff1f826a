/** Decoding image files into tensors, and the deterministic preprocessing for inference. */
package io.github.jvision.image;
