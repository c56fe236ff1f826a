package io.github.jvision.spark;

import io.github.jvision.Subprocess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shaded jar as a cluster runs it: submitted with Spark's own {@code spark-submit} (its main
 * class, on a class path with Spark and none of jvision's dependencies), training on real
 * Fashion-MNIST images in local mode; then its checkpoint evaluated by the same jar without Spark.
 */
@Tag("slow")
class ShadedJarIT {
    @TempDir
    Path out;

    @Test
    void sparkSubmitTrainsWithTheShadedJarAndAPlainRunEvaluatesItsCheckpoint() throws Exception {
        Path target = Path.of("target");
        Path jar;
        try (var jars = Files.list(target)) {
            jar = jars.filter(p -> p.getFileName().toString().matches("jvision-.*-spark\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded jar in target/ (mvn package builds it)"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> submit = new ArrayList<>(List.of(java, "-Xmx4g"));
        submit.addAll(Arrays.asList(SparkFitter.ADD_OPENS.split(" ")));
        submit.addAll(List.of("-cp", Files.readString(target.resolve("spark.cp")).strip(),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--class", "io.github.jvision.cli.Main", jar.toString(),
                "train", "--model", "resnet20", "--dataset", "fashion-mnist", "--limit", "512", "--epochs", "1",
                "--batch-size", "64", "--spark", "--no-progress", "--out", out.resolve("run").toString()));
        Subprocess train = Subprocess.run(submit, out.resolve("submit.log"), Duration.ofMinutes(15));
        assertEquals(0, train.exitCode(), train.output());
        assertTrue(train.output().contains("training on Spark: 2 workers of 32 images per step"), train.output());
        Path checkpoint = out.resolve("run").resolve("checkpoint.zip");
        assertTrue(Files.exists(checkpoint), train.output());

        Subprocess eval = Subprocess.run(List.of(java, "-Xmx4g", "-jar", jar.toString(), "eval", "--checkpoint",
                checkpoint.toString(), "--dataset", "fashion-mnist", "--json"), out.resolve("eval.log"),
                Duration.ofMinutes(10));
        assertEquals(0, eval.exitCode(), eval.output());
        assertTrue(eval.output().contains("\"top1\""), eval.output());
    }
}
