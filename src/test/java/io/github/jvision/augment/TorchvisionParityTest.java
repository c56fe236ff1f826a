package io.github.jvision.augment;

import io.github.jvision.image.Interpolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jvision.image.Image;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every deterministic functional op against torchvision 0.14's output on the same input: crops of
 * real photographs and synthetic images of odd sizes, several magnitudes each. The cases are
 * written by {@code src/test/python/make_fixtures.py} (run by Maven in generate-test-resources,
 * with Debian's python3-torchvision) into {@code target/test-fixtures/augment}. Per pixel within
 * 1/255; bilinear and bicubic resizing within 2/255 away from a 1- or 2-pixel border.
 */
class TorchvisionParityTest {
    static final Path FIXTURES = Path.of("target", "test-fixtures", "augment");

    @TestFactory
    List<DynamicTest> everyOpMatchesTorchvision() throws IOException {
        Path manifest = FIXTURES.resolve("manifest.json");
        assertTrue(Files.exists(manifest), manifest + " is missing: run `mvn generate-test-resources` (it needs "
                + "/usr/bin/python3 with Debian's python3-torchvision and python3-skimage)");
        JsonNode cases = new ObjectMapper().readTree(manifest.toFile());
        assertTrue(cases.size() > 300, "cases: " + cases.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " " + c.get("args"), () -> check(c)));
        }
        return tests;
    }

    private static void check(JsonNode c) {
        Image in = load(c.get("input").asText());
        Image expected = load(c.get("output").asText());
        Image actual = apply(c.get("op").asText(), c.get("args"), in);
        assertEquals(List.of(expected.channels(), expected.height(), expected.width()),
                List.of(actual.channels(), actual.height(), actual.width()), "shape");
        double tol = c.get("tol").asDouble();
        int border = c.get("border").asInt();
        double worst = 0;
        String where = "";
        for (int ch = 0; ch < actual.channels(); ch++) {
            for (int y = border; y < actual.height() - border; y++) {
                for (int x = border; x < actual.width() - border; x++) {
                    double diff = Math.abs(actual.get(ch, y, x) - expected.get(ch, y, x));
                    if (diff > worst) {
                        worst = diff;
                        where = String.format(Locale.ROOT, "[%d, %d, %d]: jvision %.6f, torchvision %.6f", ch, y, x,
                                actual.get(ch, y, x), expected.get(ch, y, x));
                    }
                }
            }
        }
        assertTrue(worst <= tol + 1e-6, String.format(Locale.ROOT, "max difference %.6f > %.6f at %s", worst, tol, where));
    }

    /** The op under test, by the fixture's name, with torchvision's arguments. */
    static Image apply(String op, JsonNode a, Image x) {
        return switch (op) {
            case "hflip" -> Geometric.hflip(x);
            case "vflip" -> Geometric.vflip(x);
            case "pad" -> Geometric.pad(x, a.get("padding").get(0).asInt(), a.get("padding").get(1).asInt(),
                    a.get("padding").get(2).asInt(), a.get("padding").get(3).asInt(),
                    Geometric.Padding.valueOf(a.get("mode").asText().toUpperCase(Locale.ROOT)), (float) a.get("fill").asDouble());
            case "crop" -> Geometric.crop(x, a.get("top").asInt(), a.get("left").asInt(), a.get("height").asInt(),
                    a.get("width").asInt(), 0f);
            case "center_crop" -> Geometric.centerCrop(x, a.get("height").asInt(), a.get("width").asInt());
            case "resize" -> Geometric.resize(x, a.get("size").get(0).asInt(), a.get("size").get(1).asInt(),
                    interpolation(a), a.get("antialias").asBoolean());
            case "resized_crop" -> Geometric.resizedCrop(x, a.get("top").asInt(), a.get("left").asInt(),
                    a.get("height").asInt(), a.get("width").asInt(), a.get("size").get(0).asInt(),
                    a.get("size").get(1).asInt(), interpolation(a), a.get("antialias").asBoolean());
            case "rotate" -> Geometric.rotate(x, a.get("angle").asDouble(), interpolation(a), floats(a.get("fill")));
            case "affine" -> Geometric.affine(x, a.get("angle").asDouble(), a.get("translate").get(0).asDouble(),
                    a.get("translate").get(1).asDouble(), a.get("scale").asDouble(), a.get("shear").get(0).asDouble(),
                    a.get("shear").get(1).asDouble(), interpolation(a), floats(a.get("fill")), doubles(a.get("center")));
            case "brightness" -> Photometric.adjustBrightness(x, a.get("factor").asDouble());
            case "contrast" -> Photometric.adjustContrast(x, a.get("factor").asDouble());
            case "saturation" -> Photometric.adjustSaturation(x, a.get("factor").asDouble());
            case "sharpness" -> Photometric.adjustSharpness(x, a.get("factor").asDouble());
            case "hue" -> Photometric.adjustHue(x, a.get("factor").asDouble());
            case "grayscale" -> Photometric.grayscale(x, a.get("channels").asInt());
            case "invert" -> Photometric.invert(x);
            case "posterize" -> Photometric.posterize(x, a.get("bits").asInt());
            case "solarize" -> Photometric.solarize(x, a.get("threshold").asDouble());
            case "autocontrast" -> Photometric.autocontrast(x);
            case "equalize" -> Photometric.equalize(x);
            case "normalize" -> Photometric.normalize(x, floats(a.get("mean")), floats(a.get("std")));
            case "policy_op" -> policyOp(a.get("name").asText()).apply(x, a.get("magnitude").asDouble()
                    / (a.get("name").asText().equals("Solarize") ? 255 : 1), Interpolation.NEAREST, null);
            default -> throw new IllegalArgumentException("no such op in the fixtures: " + op);
        };
    }

    /** torchvision's op name ({@code AutoContrast}) as the enum constant ({@code AUTO_CONTRAST}). */
    static AugmentOp policyOp(String name) {
        return AugmentOp.valueOf(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }

    /** The magnitude of every op at every bin equals torchvision's table (solarize as a fraction of 255). */
    @TestFactory
    List<DynamicTest> magnitudesMatchTorchvision() throws IOException {
        JsonNode t = new ObjectMapper().readTree(FIXTURES.resolve("magnitudes.json").toFile());
        int h = t.get("height").asInt(), w = t.get("width").asInt();
        List<DynamicTest> tests = new ArrayList<>();
        t.get("spaces").fields().forEachRemaining(space -> {
            AugmentOp.Space s = space.getKey().startsWith("wide") ? AugmentOp.Space.WIDE : AugmentOp.Space.STANDARD;
            space.getValue().fields().forEachRemaining(op -> tests.add(DynamicTest.dynamicTest(space.getKey() + " " + op.getKey(), () -> {
                AugmentOp o = policyOp(op.getKey());
                JsonNode values = op.getValue().get("values");
                assertEquals(op.getValue().get("signed").asBoolean(), o.signed(), "signed");
                if (values.size() == 1) {
                    assertFalse(o.hasMagnitude());
                    return;
                }
                for (int bin = 0; bin < values.size(); bin++) {
                    double expected = values.get(bin).asDouble() / (o == AugmentOp.SOLARIZE ? 255 : 1);
                    assertEquals(expected, s.magnitude(o, bin, values.size(), h, w), 1e-5, "bin " + bin);
                }
            })));
        });
        assertEquals(3, t.get("spaces").size());
        return tests;
    }

    private static Interpolation interpolation(JsonNode a) {
        return Interpolation.valueOf(a.get("interpolation").asText().toUpperCase(Locale.ROOT));
    }

    private static float[] floats(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        float[] f = new float[n.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) n.get(i).asDouble();
        }
        return f;
    }

    private static double[] doubles(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new double[]{n.get(0).asDouble(), n.get(1).asDouble()};
    }

    static Image load(String file) {
        INDArray a = Nd4j.createFromNpyFile(FIXTURES.resolve(file).toFile()).castTo(DataType.FLOAT);
        long[] s = a.shape();
        return new Image(a.dup('c').data().asFloat(), (int) s[0], (int) s[1], (int) s[2]);
    }
}
