package io.github.jvision.eval;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Known fault C18 (top-k ties, k >= classes) and hand-computed confusion matrices. */
class MetricsTest {

    @Test
    void tiedScoresDoNotMakeHits() {
        // 10 samples, 10 classes, all scores 0.1, labels 0..9: with index tie-breaking labels 0..4 are in the top 5
        Metrics m = new Metrics(10);
        float[] scores = new float[10];
        java.util.Arrays.fill(scores, 0.1f);
        for (int label = 0; label < 10; label++) {
            m.add(scores, label);
        }
        assertEquals(0.5, m.top5(), 0);
        assertEquals(0.1, m.accuracy(), 1e-12, "only label 0 wins the tie-break for top-1");
    }

    @Test
    void kAtLeastClassesIsAlwaysAHit() {
        Metrics m = new Metrics(3);
        m.add(new float[]{0.1f, 0.2f, 0.7f}, 0);
        assertEquals(1.0, m.top5(), 0);
        assertEquals(0.0, m.accuracy(), 0);
    }

    @Test
    void rankWithoutTies() {
        float[] s = {0.5f, 0.3f, 0.15f, 0.05f};
        assertEquals(2, Metrics.rank(s, 2), "label 2 has two classes above it: a top-2 miss, a top-3 hit");
        assertEquals(0, Metrics.rank(s, 0));
    }

    @Test
    void confusionAndPerClassAccuracy() {
        Metrics m = new Metrics(3);
        // true 0 predicted 0, true 0 predicted 1, true 1 predicted 1, true 2 predicted 0
        m.add(Nd4j.create(new float[][]{{0.8f, 0.1f, 0.1f}, {0.2f, 0.7f, 0.1f}, {0.1f, 0.8f, 0.1f}, {0.6f, 0.1f, 0.3f}}),
                new int[]{0, 0, 1, 2});
        assertArrayEquals(new long[][]{{1, 1, 0}, {0, 1, 0}, {1, 0, 0}}, m.confusion());
        assertArrayEquals(new double[]{0.5, 1.0, 0.0}, m.perClassAccuracy(), 1e-12);
        assertEquals(0.5, m.accuracy(), 1e-12);
        var r = m.report(List.of("a", "b", "c"));
        assertEquals(4, r.samples());
    }

    @Test
    void shapeMismatchIsReported() {
        Metrics m = new Metrics(3);
        var e = assertThrows(IllegalArgumentException.class, () -> m.add(Nd4j.zeros(2, 4), new int[]{0, 1}));
        assertTrue(e.getMessage().contains("expected scores [2, 3]"), e.getMessage());
    }

    @Test
    void nanScoresAreMisses() {
        Metrics m = new Metrics(10);
        float[] nan = new float[10];
        java.util.Arrays.fill(nan, Float.NaN);
        m.add(nan, 0);
        m.add(nan, 3);
        assertEquals(0.0, m.top5(), 0);
        assertEquals(0.0, m.accuracy(), 0);
    }
}
