package io.github.jvision.nn;

/**
 * Handle to the output of a vertex in a graph under construction: its name and the number of
 * channels it carries ({@code C} of an {@code [N, C, H, W]} activation, or the width of a
 * {@code [N, F]} feature vector).
 *
 * @param name     the vertex name, a torchvision module path such as {@code layer1.0.bn2}
 * @param channels number of output channels or features
 */
public record Node(String name, int channels) {
}
