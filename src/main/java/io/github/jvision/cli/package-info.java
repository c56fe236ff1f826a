/**
 * The {@code jvision} command line (picocli): train, eval, predict, summary, models. Its
 * libraries (picocli, progress bar, XChart, the SLF4J binding) are optional dependencies of the
 * jar, so library users do not inherit them.
 */
package io.github.jvision.cli;
