package io.github.jvision.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jvision.image.Image;
import io.github.jvision.image.Interpolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preprocessing a weight set carries (known fault C15) and its sidecar JSON. */
class PreprocessingTest {
    @TempDir
    Path dir;

    private static Image constant(float v, int h, int w) {
        float[] d = new float[3 * h * w];
        Arrays.fill(d, v);
        return new Image(d, 3, h, w);
    }

    /** C15: white (255) and black (0) pixels under ImageNet mean/std, scale 1/255. */
    @Test
    void imagenetNormalisationOfWhiteAndBlack() {
        Preprocessing p = Preprocessing.imagenet(256, 224);
        float[] white = p.apply(constant(1f, 300, 400));
        float[] black = p.apply(constant(0f, 300, 400));
        int plane = 224 * 224;
        assertEquals(3 * plane, white.length);
        float[][] expected = {{2.248908f, 2.428571f, 2.640000f}, {-2.117904f, -2.035714f, -1.804444f}};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[0][c], white[c * plane + 1000], 1e-5);
            assertEquals(expected[1][c], black[c * plane + 1000], 1e-5);
        }
    }

    @Test
    void sidecarRoundTripAndErrors() throws IOException {
        Path weights = dir.resolve("resnet18.pth");
        assertEquals(dir.resolve("resnet18.json"), WeightsMeta.sidecar(weights));
        assertTrue(WeightsMeta.of(weights).isEmpty());
        WeightsMeta meta = new WeightsMeta(Preprocessing.imagenet(232, 224), List.of("cat", "dog"), "test");
        meta.write(WeightsMeta.sidecar(weights));
        WeightsMeta back = WeightsMeta.of(weights).orElseThrow();
        assertEquals(232, back.preprocessing().resizeSize());
        assertEquals(List.of("cat", "dog"), back.categories());

        Files.writeString(WeightsMeta.sidecar(weights), "{\"preprocessing\": {\"resize_size\": 342, \"crop_size\": 299, "
                + "\"interpolation\": \"bilinear\", \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5]}}");
        WeightsMeta inception = WeightsMeta.of(weights).orElseThrow();
        assertEquals(Interpolation.BILINEAR, inception.preprocessing().interpolation());
        assertEquals(299, inception.preprocessing().cropSize());

        Files.writeString(WeightsMeta.sidecar(weights), "{\"categories\": []}");
        assertTrue(assertThrows(WeightsFormatException.class, () -> WeightsMeta.of(weights)).getMessage()
                .contains("needs a \"preprocessing\" object"));
        Files.writeString(WeightsMeta.sidecar(weights), "{\"preprocessing\": ");
        assertTrue(assertThrows(WeightsFormatException.class, () -> WeightsMeta.of(weights)).getMessage()
                .contains("not valid weights metadata"));
    }
}
