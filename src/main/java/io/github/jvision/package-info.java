/**
 * jvision: image classification on ND4J and Deeplearning4j. {@link io.github.jvision.Backend}
 * switches on the oneDNN CPU paths; the subpackages hold blocks ({@code nn}), model families
 * ({@code models}), image decoding ({@code image}), augmentation ({@code augment}), data sets and
 * batching ({@code data}), training ({@code train}), metrics ({@code eval}) and the command line
 * ({@code cli}). Data flows one way: file, image, augment, data, model, train/eval.
 */
package io.github.jvision;
