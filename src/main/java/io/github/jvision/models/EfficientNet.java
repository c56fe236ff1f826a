package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Conv;
import io.github.jvision.nn.MBConv;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Norm;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * EfficientNet B0-B7 (Tan &amp; Le 2019, "EfficientNet: Rethinking Model Scaling for
 * Convolutional Neural Networks"), as torchvision's {@code efficientnet_b0 ... b7}: one B0 stage
 * table (table 1) and compound scaling (section 3.3). Each variant scales the channels by a width
 * multiplier (rounded to multiples of 8 with {@link MBConv#makeDivisible}), the repeats per stage
 * by a depth multiplier (rounded up), and sets the resolution and the dropout before the
 * classifier. Names follow torchvision: {@code features.0} (stem conv-BN-SiLU),
 * {@code features.1 ... features.7} (stages of {@link MBConv} blocks),
 * {@code features.8} (1x1 conv-BN-SiLU to 4x the last stage's channels), {@code avgpool},
 * {@code classifier.0} (dropout) and {@code classifier.1}. Stochastic depth rises linearly over
 * the blocks: block i of N drops its branch with probability {@code 0.2 i / N}.
 */
public enum EfficientNet implements Architecture {
    // width, depth, resolution (torchvision's evaluation crop), dropout: torchvision's builders;
    // B5-B7 use BatchNorm2d(eps=0.001, momentum=0.01), the TF defaults, as torchvision does
    EFFICIENTNET_B0(new Scaling(1.0, 1.0, 224, 0.2, Norm.DEFAULT)),
    EFFICIENTNET_B1(new Scaling(1.0, 1.1, 240, 0.2, Norm.DEFAULT)),
    EFFICIENTNET_B2(new Scaling(1.1, 1.2, 288, 0.3, Norm.DEFAULT)),
    EFFICIENTNET_B3(new Scaling(1.2, 1.4, 300, 0.3, Norm.DEFAULT)),
    EFFICIENTNET_B4(new Scaling(1.4, 1.8, 380, 0.4, Norm.DEFAULT)),
    EFFICIENTNET_B5(new Scaling(1.6, 2.2, 456, 0.4, Scaling.TF_NORM)),
    EFFICIENTNET_B6(new Scaling(1.8, 2.6, 528, 0.5, Scaling.TF_NORM)),
    EFFICIENTNET_B7(new Scaling(2.0, 3.1, 600, 0.5, Scaling.TF_NORM));

    /**
     * One stage of the B0 table: an MBConv{@code expand} block with a {@code kernel x kernel}
     * depthwise convolution, repeated {@code repeats} times; the first repeat has the stride.
     */
    public record Stage(int expand, int kernel, int stride, int channels, int repeats) {
    }

    /** Table 1 of the paper (stages 2-8): MBConv1 3x3 16, MBConv6 3x3 24, ... MBConv6 3x3 320. */
    public static final List<Stage> B0 = List.of(
            new Stage(1, 3, 1, 16, 1),
            new Stage(6, 3, 2, 24, 2),
            new Stage(6, 5, 2, 40, 2),
            new Stage(6, 3, 2, 80, 3),
            new Stage(6, 5, 1, 112, 3),
            new Stage(6, 5, 2, 192, 4),
            new Stage(6, 3, 1, 320, 1));
    /** Channels of the B0 stem. */
    public static final int B0_STEM = 32;
    /** Drop probability of the last block's branch is this times (N-1)/N (torchvision's {@code stochastic_depth_prob}). */
    public static final double STOCHASTIC_DEPTH = 0.2;

    /**
     * A compound scaling of B0.
     *
     * @param width      channel multiplier
     * @param depth      repeat multiplier
     * @param resolution input size in pixels
     * @param dropout    drop probability before the classifier
     * @param norm       batch-norm settings of every BN
     */
    public record Scaling(double width, double depth, int resolution, double dropout, Norm norm) {
        /** TF's batch norm, used by torchvision for B5-B7: eps 1e-3, momentum 0.01. */
        public static final Norm TF_NORM = new Norm(1e-3, 0.01);
        /** The paper's grid-searched bases (section 3.3): depth alpha, width beta, resolution gamma. */
        public static final double ALPHA = 1.2, BETA = 1.1, GAMMA = 1.15;

        /**
         * The paper's compound scaling by coefficient phi (section 3.3, equation 3): depth
         * {@code ALPHA^phi}, width {@code BETA^phi}, resolution {@code 224 GAMMA^phi} rounded. The
         * published B1-B7 do not follow the formula exactly (phi = 7 gives width 1.95, depth 3.58,
         * 596 px; torchvision's B7 is 2.0, 3.1, 600). Two choices are jvision's own, since the
         * paper gives none for other phi: dropout 0.2 + 0.05 phi capped at 0.5 (close to the
         * published B0-B7, 0.2 to 0.5), and PyTorch's default batch norm at every size. phi is
         * limited to [0, 10] (B7 is about 7; 10 already means 2.6x the channels at 906 px).
         *
         * @throws IllegalArgumentException if phi is negative or above 10
         */
        public static Scaling compound(double phi) {
            if (!(phi >= 0 && phi <= 10)) {
                throw new IllegalArgumentException("compound coefficient phi must be in [0, 10]; got " + phi);
            }
            return new Scaling(Math.pow(BETA, phi), Math.pow(ALPHA, phi), (int) Math.round(224 * Math.pow(GAMMA, phi)),
                    Math.min(0.5, 0.2 + 0.05 * phi), Norm.DEFAULT);
        }

        /** @return {@code c} channels scaled by the width multiplier, rounded to a multiple of 8 */
        public int channels(int c) {
            return MBConv.makeDivisible(c * width, 8);
        }

        /** @return {@code n} repeats scaled by the depth multiplier, rounded up */
        public int repeats(int n) {
            return (int) Math.ceil(n * depth);
        }
    }

    private final Scaling scaling;

    EfficientNet(Scaling scaling) {
        this.scaling = scaling;
    }

    /** @return this variant's width, depth, resolution and dropout */
    public Scaling scaling() {
        return scaling;
    }

    @Override
    public String family() {
        return "efficientnet";
    }

    @Override
    public int nativeSize() {
        return scaling.resolution();
    }

    @Override
    public ComputationGraphConfiguration configure(ModelOptions options) {
        return configure(modelName(), scaling, options);
    }

    /**
     * A model scaled by an arbitrary compound coefficient ({@link Scaling#compound}), named
     * {@code efficientnet_phiX} (e.g. {@code efficientnet_phi1.5}).
     *
     * @throws IllegalArgumentException if phi is outside [0, 10]
     */
    public static Architecture compound(double phi) {
        return new Compound(phi, Scaling.compound(phi));
    }

    /** An EfficientNet scaled by compound coefficient {@code phi}. */
    private record Compound(double phi, Scaling scaling) implements Architecture {
        @Override
        public String name() {
            return Models.COMPOUND + (phi == Math.rint(phi) ? String.valueOf((long) phi) : String.valueOf(phi));
        }

        @Override
        public String family() {
            return "efficientnet";
        }

        @Override
        public int nativeSize() {
            return scaling.resolution();
        }

        @Override
        public ComputationGraphConfiguration configure(ModelOptions options) {
            return EfficientNet.configure(name(), scaling, options);
        }
    }

    /**
     * @return the drop probability of block {@code block} (0-based, counted over all stages) of
     *         {@code total}: {@code 0.2 block / total}, torchvision's linear rule (the first block 0,
     *         the last {@code 0.2 (N - 1) / N})
     */
    public static double stochasticDepth(int block, int total) {
        return STOCHASTIC_DEPTH * block / total;
    }

    private static ComputationGraphConfiguration configure(String name, Scaling sc, ModelOptions options) {
        Norm norm = sc.norm();
        return GraphFactory.build(name, options, (root, input) -> {
            Scope features = root.child("features");
            Node x = Blocks.convBnAct(features.child(0), "0", "1", input,
                    Conv.of(sc.channels(B0_STEM), 3).stride(2).same(), norm, Activation.SWISH);
            int total = B0.stream().mapToInt(st -> sc.repeats(st.repeats())).sum();
            int block = 0;
            for (int i = 0; i < B0.size(); i++) {
                Stage st = B0.get(i);
                Scope stage = features.child(i + 1);
                for (int r = 0; r < sc.repeats(st.repeats()); r++, block++) {
                    var mb = new MBConv(st.expand(), st.kernel(), r == 0 ? st.stride() : 1, sc.channels(st.channels()),
                            stochasticDepth(block, total));
                    x = mb.build(stage.child(r), x, norm);
                }
            }
            x = Blocks.convBnAct(features.child(B0.size() + 1), "0", "1", x, Conv.of(4 * x.channels(), 1), norm,
                    Activation.SWISH);
            Node h = Blocks.globalAvgPool(root, "avgpool", x);
            Scope classifier = root.child("classifier");
            h = Blocks.dropout(classifier, "0", h, sc.dropout());
            return List.of(Blocks.output(classifier, "1", h, options.numClasses(), 1));
        });
    }
}
