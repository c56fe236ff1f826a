/** Metrics of a classifier: top-k accuracy, per-class accuracy and the confusion matrix. */
package io.github.jvision.eval;
