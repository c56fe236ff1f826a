package io.github.jvision.cli;

import io.github.jvision.image.Interpolation;

import io.github.jvision.augment.Augmentations;
import io.github.jvision.augment.Geometric;
import io.github.jvision.augment.Photometric;
import io.github.jvision.augment.Transform;
import io.github.jvision.image.Image;
import io.github.jvision.image.Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

/** {@code jvision augment}: one functional op, or a grid of a policy's random versions, written as PNG. */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = "Apply one augmentation op (--op, --magnitude) or a policy (--policy, --grid) to an image; write a PNG.")
final class AugmentCommand implements Callable<Integer> {
    /** The functional ops, with their magnitudes in torchvision's units. */
    static final Map<String, BiFunction<Image, Double, Image>> OPS = new LinkedHashMap<>();

    static {
        OPS.put("hflip", (x, m) -> Geometric.hflip(x));
        OPS.put("vflip", (x, m) -> Geometric.vflip(x));
        OPS.put("rotate", (x, m) -> Geometric.rotate(x, m, Interpolation.BILINEAR, null));                   // degrees
        OPS.put("shear_x", (x, m) -> Geometric.affine(x, 0, 0, 0, 1, m, 0, Interpolation.BILINEAR, null, null)); // degrees
        OPS.put("shear_y", (x, m) -> Geometric.affine(x, 0, 0, 0, 1, 0, m, Interpolation.BILINEAR, null, null));
        OPS.put("translate_x", (x, m) -> Geometric.affine(x, 0, m, 0, 1, 0, 0, Interpolation.NEAREST, null, null)); // pixels
        OPS.put("translate_y", (x, m) -> Geometric.affine(x, 0, 0, m, 1, 0, 0, Interpolation.NEAREST, null, null));
        OPS.put("brightness", Photometric::adjustBrightness);                                                 // factor
        OPS.put("contrast", Photometric::adjustContrast);
        OPS.put("saturation", Photometric::adjustSaturation);
        OPS.put("sharpness", Photometric::adjustSharpness);
        OPS.put("hue", Photometric::adjustHue);                                                               // turns
        OPS.put("posterize", (x, m) -> Photometric.posterize(x, (int) Math.round(m)));                        // bits
        OPS.put("solarize", Photometric::solarize);                                                           // threshold in [0, 1]
        OPS.put("autocontrast", (x, m) -> Photometric.autocontrast(x));
        OPS.put("equalize", (x, m) -> Photometric.equalize(x));
        OPS.put("invert", (x, m) -> Photometric.invert(x));
        OPS.put("grayscale", (x, m) -> Photometric.grayscale(x, x.channels()));
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, description = "Image file (PNG, JPEG, GIF, BMP).")
    Path input;

    @Option(names = "--output", required = true, description = "PNG file to write.")
    Path output;

    @Option(names = "--op", description = "One op: ${COMPLETION-CANDIDATES}.", completionCandidates = OpNames.class)
    String op;

    @Option(names = "--magnitude", defaultValue = "0", description = "The op's argument in torchvision's units: "
            + "degrees (rotate, shear), pixels (translate), factor (brightness, contrast, saturation, sharpness; 1 = unchanged), "
            + "turns (hue, -0.5 to 0.5), bits (posterize), threshold in [0, 1] (solarize).")
    double magnitude;

    @Option(names = "--policy", description = "An augmentation spec, as train --augment (e.g. rand-m9-n2, trivialaugment, crop-flip+autoaugment).")
    String policy;

    @Option(names = "--grid", defaultValue = "8", description = "Random versions in the grid (default: ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--gray", description = "Read the image as one channel.")
    boolean gray;

    static final class OpNames extends ArrayList<String> {
        OpNames() {
            super(OPS.keySet());
        }
    }

    @Override
    public Integer call() throws Exception {
        if ((op == null) == (policy == null)) {
            throw new IllegalArgumentException("give exactly one of --op and --policy");
        }
        Image x = Images.load(input, gray ? 1 : 3);
        Image out;
        if (op != null) {
            var f = OPS.get(op.toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new IllegalArgumentException("unknown op '" + op + "'; expected one of " + String.join(", ", OPS.keySet()));
            }
            out = f.apply(x, magnitude);
        } else {
            if (grid < 1 || grid > 256) {
                throw new IllegalArgumentException("--grid must be 1 to 256; got " + grid);
            }
            Transform t = Augmentations.parse(policy, x.height(), x.width());
            var rng = new SplittableRandom(seed);
            List<Image> versions = new ArrayList<>();
            for (int i = 0; i < grid; i++) {
                versions.add(t.apply(x, rng));
            }
            out = tile(versions, 2);
        }
        Images.writePng(out, output);
        spec.commandLine().getOut().printf("wrote %s (%dx%d)%n", output, out.width(), out.height());
        return 0;
    }

    /** Images of equal size in rows of {@code ceil(sqrt(n))}, {@code gap} white pixels apart. */
    static Image tile(List<Image> images, int gap) {
        int n = images.size(), cols = (int) Math.ceil(Math.sqrt(n)), rows = (n + cols - 1) / cols;
        Image first = images.get(0);
        int c = first.channels(), h = first.height(), w = first.width();
        int gh = rows * h + (rows - 1) * gap, gw = cols * w + (cols - 1) * gap;
        float[] out = new float[c * gh * gw];
        java.util.Arrays.fill(out, 1f);
        for (int i = 0; i < n; i++) {
            Image img = images.get(i);
            int top = (i / cols) * (h + gap), left = (i % cols) * (w + gap);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[(ch * gh + top + y) * gw + left + x] = img.get(ch, y, x);
                    }
                }
            }
        }
        return new Image(out, c, gh, gw);
    }
}
