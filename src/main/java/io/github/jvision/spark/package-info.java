/**
 * Data-parallel training on Apache Spark: the steps of each epoch run on Spark's executors with
 * DL4J's parameter averaging, everything else of a run (evaluation, log, checkpoints,
 * resumption) as on one machine. Optional: needs Spark 3.5 (Scala 2.12) and DL4J's
 * {@code dl4j-spark_2.12} on the class path, which users of the rest of the library don't get.
 */
package io.github.jvision.spark;
