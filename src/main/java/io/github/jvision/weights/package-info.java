/**
 * Weight files and their mapping onto jvision's models: a safetensors reader and writer, a reader
 * of PyTorch's {@code torch.save} checkpoints restricted to an allowlist of pickle globals, and
 * {@link io.github.jvision.weights.ModelWeights}, which maps torchvision's state-dict keys and
 * layouts onto DL4J's parameters (jvision's layer names are torchvision's module paths).
 */
package io.github.jvision.weights;
