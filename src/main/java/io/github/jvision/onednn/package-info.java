/**
 * Compiled inference: a trained model's graph lowered, once per input shape, to a sequence of
 * oneDNN primitives that keep activations in oneDNN's blocked layouts end to end, with batch
 * norm folded into the convolutions and activations and residual sums fused into them as
 * post-ops. CPU only (nd4j-native); {@link io.github.jvision.onednn.CompiledModel#available()}
 * says whether it can run here.
 */
package io.github.jvision.onednn;
