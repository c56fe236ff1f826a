package io.github.jvision.models;

import io.github.jvision.nn.Blocks;
import io.github.jvision.nn.Conv;
import io.github.jvision.nn.Inception;
import io.github.jvision.nn.Inception.Step;
import io.github.jvision.nn.Node;
import io.github.jvision.nn.Norm;
import io.github.jvision.nn.Scope;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static io.github.jvision.nn.Inception.avgPool;
import static io.github.jvision.nn.Inception.conv;
import static io.github.jvision.nn.Inception.maxPool;

/**
 * Inception v3 (Szegedy et al. 2015, "Rethinking the Inception Architecture for Computer Vision",
 * table 1 and figures 5-7), as torchvision's {@code inception_v3}: a stem of five
 * {@code BasicConv2d} (batch norm eps 1e-3) and two 3x3/2 max pools, then the modules
 * {@code Mixed_5b ... Mixed_7c} of five kinds (A: 5x5 factorised as in figure 5; B and D: grid
 * reduction, figure 10; C: 7x7 factorised into 1x7 and 7x1, figure 6; E: expanded 3x3 branches,
 * figure 7), global average pooling, dropout 0.5 and {@code fc}. Average pools in the branches
 * count padding in the divisor, as torchvision's {@code F.avg_pool2d} (known fault C12). Native
 * input 299x299; the smallest that fits is 75x75 (299x299 with {@code AuxLogits}, whose 5x5/3
 * pool and 5x5 convolution need Mixed_6e's 17x17 grid, as in torchvision).
 *
 * <p>The auxiliary classifier {@code AuxLogits} (after {@code Mixed_6e}; loss weight 0.4, as
 * TF-slim's training of the weights torchvision ported) is built only with {@link ModelOptions#auxLogits()}; torchvision
 * builds it by default and counts it in its published 27,161,264 parameters.
 */
public enum InceptionV3 implements Architecture {
    INCEPTION_V3;

    private record Module(String name, List<List<Step>> branches) {
    }

    /** The modules in order; AuxLogits reads the output of {@code Mixed_6e}. */
    private static final List<Module> MODULES = List.of(
            new Module("Mixed_5b", a(32)), new Module("Mixed_5c", a(64)), new Module("Mixed_5d", a(64)),
            new Module("Mixed_6a", b()),
            new Module("Mixed_6b", c(128)), new Module("Mixed_6c", c(160)), new Module("Mixed_6d", c(160)),
            new Module("Mixed_6e", c(192)),
            new Module("Mixed_7a", d()), new Module("Mixed_7b", e()), new Module("Mixed_7c", e()));
    private static final String AUX_AFTER = "Mixed_6e";

    @Override
    public String family() {
        return "inception";
    }

    @Override
    public int nativeSize() {
        return 299;
    }

    @Override
    public ComputationGraphConfiguration configure(ModelOptions options) {
        return GraphFactory.build(modelName(), options, (root, input) -> {
            Node x = Inception.basicConv(root.child("Conv2d_1a_3x3"), input, Conv.of(32, 3).stride(2), Inception.NORM);
            x = Inception.basicConv(root.child("Conv2d_2a_3x3"), x, Conv.of(32, 3), Inception.NORM);
            x = Inception.basicConv(root.child("Conv2d_2b_3x3"), x, Conv.of(64, 3).padding(1), Inception.NORM);
            x = Blocks.maxPool(root, "maxpool1", x, 3, 2, 0);
            x = Inception.basicConv(root.child("Conv2d_3b_1x1"), x, Conv.of(80, 1), Inception.NORM);
            x = Inception.basicConv(root.child("Conv2d_4a_3x3"), x, Conv.of(192, 3), Inception.NORM);
            x = Blocks.maxPool(root, "maxpool2", x, 3, 2, 0);
            List<Node> outputs = new ArrayList<>();
            Node aux = null;
            for (Module m : MODULES) {
                x = Inception.module(root.child(m.name()), x, Inception.NORM, m.branches());
                if (options.auxLogits() && m.name().equals(AUX_AFTER)) {
                    aux = auxiliary(root.child("AuxLogits"), x, options.numClasses());
                }
            }
            outputs.add(Blocks.classifierHead(root, x, options.numClasses(), 0.5));
            if (aux != null) {
                outputs.add(aux);
            }
            return outputs;
        });
    }

    /** torchvision's Inception v3 {@code InceptionAux}. */
    private static Node auxiliary(Scope s, Node x, int numClasses) {
        Node y = Blocks.avgPool(s, "avgpool", x, 5, 3, 0);
        y = Inception.basicConv(s.child("conv0"), y, Conv.of(128, 1), Inception.NORM);
        y = Inception.basicConv(s.child("conv1"), y, Conv.of(768, 5), Inception.NORM);
        y = Blocks.globalAvgPool(s, "pool", y);
        return Blocks.output(s, "fc", y, numClasses, 0.4);
    }

    private static Conv c1x7(int out) {
        return Conv.of(out, 1, 7).padding(0, 3);
    }

    private static Conv c7x1(int out) {
        return Conv.of(out, 7, 1).padding(3, 0);
    }

    /** InceptionA: 1x1; 1x1 then 5x5; 1x1 then two 3x3; 3x3 average pool then 1x1. */
    private static List<List<Step>> a(int poolFeatures) {
        return List.of(
                List.of(conv("branch1x1", Conv.of(64, 1))),
                List.of(conv("branch5x5_1", Conv.of(48, 1)), conv("branch5x5_2", Conv.of(64, 5).padding(2))),
                List.of(conv("branch3x3dbl_1", Conv.of(64, 1)), conv("branch3x3dbl_2", Conv.of(96, 3).padding(1)),
                        conv("branch3x3dbl_3", Conv.of(96, 3).padding(1))),
                List.of(avgPool("avg_pool", 3, 1, 1), conv("branch_pool", Conv.of(poolFeatures, 1))));
    }

    /** InceptionB (grid reduction 35 to 17): 3x3/2; 1x1, 3x3, 3x3/2; 3x3/2 max pool. */
    private static List<List<Step>> b() {
        return List.of(
                List.of(conv("branch3x3", Conv.of(384, 3).stride(2))),
                List.of(conv("branch3x3dbl_1", Conv.of(64, 1)), conv("branch3x3dbl_2", Conv.of(96, 3).padding(1)),
                        conv("branch3x3dbl_3", Conv.of(96, 3).stride(2))),
                List.of(maxPool("max_pool", 3, 2, 0)));
    }

    /** InceptionC: 1x1; 1x1, 1x7, 7x1; 1x1, 7x1, 1x7, 7x1, 1x7; average pool then 1x1. */
    private static List<List<Step>> c(int c7) {
        return List.of(
                List.of(conv("branch1x1", Conv.of(192, 1))),
                List.of(conv("branch7x7_1", Conv.of(c7, 1)), conv("branch7x7_2", c1x7(c7)),
                        conv("branch7x7_3", c7x1(192))),
                List.of(conv("branch7x7dbl_1", Conv.of(c7, 1)), conv("branch7x7dbl_2", c7x1(c7)),
                        conv("branch7x7dbl_3", c1x7(c7)), conv("branch7x7dbl_4", c7x1(c7)),
                        conv("branch7x7dbl_5", c1x7(192))),
                List.of(avgPool("avg_pool", 3, 1, 1), conv("branch_pool", Conv.of(192, 1))));
    }

    /** InceptionD (grid reduction 17 to 8): 1x1, 3x3/2; 1x1, 1x7, 7x1, 3x3/2; 3x3/2 max pool. */
    private static List<List<Step>> d() {
        return List.of(
                List.of(conv("branch3x3_1", Conv.of(192, 1)), conv("branch3x3_2", Conv.of(320, 3).stride(2))),
                List.of(conv("branch7x7x3_1", Conv.of(192, 1)), conv("branch7x7x3_2", c1x7(192)),
                        conv("branch7x7x3_3", c7x1(192)), conv("branch7x7x3_4", Conv.of(192, 3).stride(2))),
                List.of(maxPool("max_pool", 3, 2, 0)));
    }

    /** InceptionE: 1x1; 1x1 forking into 1x3 and 3x1; 1x1, 3x3 forking into 1x3 and 3x1; average pool then 1x1. */
    private static List<List<Step>> e() {
        IntFunction<Conv> c1x3 = out -> Conv.of(out, 1, 3).padding(0, 1);
        IntFunction<Conv> c3x1 = out -> Conv.of(out, 3, 1).padding(1, 0);
        Step b3 = conv("branch3x3_1", Conv.of(384, 1));
        Step dbl1 = conv("branch3x3dbl_1", Conv.of(448, 1));
        Step dbl2 = conv("branch3x3dbl_2", Conv.of(384, 3).padding(1));
        return List.of(
                List.of(conv("branch1x1", Conv.of(320, 1))),
                List.of(b3, conv("branch3x3_2a", c1x3.apply(384))),
                List.of(b3, conv("branch3x3_2b", c3x1.apply(384))),
                List.of(dbl1, dbl2, conv("branch3x3dbl_3a", c1x3.apply(384))),
                List.of(dbl1, dbl2, conv("branch3x3dbl_3b", c3x1.apply(384))),
                List.of(avgPool("avg_pool", 3, 1, 1), conv("branch_pool", Conv.of(192, 1))));
    }
}
