package io.github.jvision.benchmarks;

import io.github.jvision.Subprocess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One tiny iteration of {@code benchmarks/compare} (its {@code --smoke} mode): every contender
 * starts, answers and is timed, and the table and chart are written. Speeds are not checked.
 */
@Tag("slow")
class CompareSmokeTest {
    @Test
    void compareRunsEveryContenderOnce() throws IOException, InterruptedException {
        Path out = Path.of("target/compare-smoke.tsv");
        Path chart = Path.of("target/compare-smoke.png");
        Files.deleteIfExists(out);
        Files.deleteIfExists(chart);
        Subprocess run = Subprocess.run(List.of("/usr/bin/python3", "benchmarks/compare", "--smoke", "--no-build",
                "--xmx", "4g", "--out", out.toString(), "--chart", chart.toString()),
                Path.of("target/compare-smoke.log"), Duration.ofMinutes(10));
        String log = run.output();
        assertEquals(0, run.exitCode(), log);

        List<String> rows = Files.readAllLines(out);
        assertEquals(List.of("model", "mode", "jvision", "dl4j-zoo", "torch", "torch-openblas"),
                List.of(rows.get(0).split("\t")), log);
        assertEquals(5, rows.size(), log); // resnet20 and alexnet, inference and training
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split("\t");
            boolean zooHasIt = c[0].equals("alexnet");
            for (int i = 2; i < c.length; i++) {
                double imagesPerSecond = Double.parseDouble(c[i]);
                assertTrue(i == 3 && !zooHasIt ? imagesPerSecond == 0 : imagesPerSecond > 0, row + "\n" + log);
            }
        }
        BufferedImage png = ImageIO.read(chart.toFile());
        assertNotNull(png, log);
        assertEquals(1100, png.getWidth());
    }
}
