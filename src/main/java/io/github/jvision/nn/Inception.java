package io.github.jvision.nn;

import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inception modules (Szegedy et al. 2014, "Going Deeper with Convolutions", section 4): parallel
 * branches over one input, concatenated along channels. A module is described as a list of
 * branches, each a chain of {@link Step}s; {@link #module} builds any such description, which is
 * how both GoogLeNet's module ({@link #googlenet}) and Inception v3's five module kinds are
 * written. Every convolution step is torchvision's {@code BasicConv2d}: a bias-free convolution
 * {@code NAME.conv}, batch norm {@code NAME.bn} and ReLU.
 */
public final class Inception {

    /** torchvision's {@code BasicConv2d} batch norm: {@code BatchNorm2d(eps=0.001)}, momentum 0.1. */
    public static final Norm NORM = new Norm(1e-3, 0.1);

    private Inception() {
    }

    /** One step of a branch: a {@code BasicConv2d} or a pooling. */
    public sealed interface Step {
        /** @return the step's name inside the module, e.g. {@code branch2.1} or {@code branch7x7_2} */
        String name();
    }

    /** A {@code BasicConv2d}: convolution {@code c}, batch norm, ReLU. */
    public record ConvStep(String name, Conv conv) implements Step {
    }

    /** Max or average pooling (average counts padding in the divisor, as PyTorch's {@code avg_pool2d}). */
    public record PoolStep(String name, boolean max, int k, int stride, int padding) implements Step {
    }

    /** @return a {@code BasicConv2d} step */
    public static Step conv(String name, Conv c) {
        return new ConvStep(name, c);
    }

    /** @return a max-pooling step */
    public static Step maxPool(String name, int k, int stride, int padding) {
        return new PoolStep(name, true, k, stride, padding);
    }

    /** @return an average-pooling step ({@code count_include_pad=True}) */
    public static Step avgPool(String name, int k, int stride, int padding) {
        return new PoolStep(name, false, k, stride, padding);
    }

    /**
     * torchvision's {@code BasicConv2d}: {@code conv} (no bias), {@code bn} with {@code norm}, ReLU,
     * inside scope {@code s} (e.g. {@code conv1} gives {@code conv1.conv}, {@code conv1.bn}).
     */
    public static Node basicConv(Scope s, Node x, Conv c, Norm norm) {
        return Blocks.convBnAct(s, "conv", "bn", x, c, norm, Activation.RELU);
    }

    /**
     * Builds the branches on {@code x} and concatenates their outputs in the order given, as
     * {@code torch.cat(branches, 1)} (vertex {@code cat}). Steps with the same name are built once and
     * shared, so a branch that forks (Inception v3's module E: one 1x1 feeding both a 1x3 and a
     * 3x1) is written as two branches with a common first step.
     *
     * @param s        the module's scope, e.g. {@code inception3a} or {@code Mixed_5b}
     * @param branches each branch's steps from input to output
     * @return the concatenation, {@code [N, sum of branch channels, H', W']}
     * @throws InputTooSmallException if a step does not fit, or branches end at different sizes
     */
    public static Node module(Scope s, Node x, Norm norm, List<List<Step>> branches) {
        Map<String, Node> built = new HashMap<>();
        List<Node> outputs = new ArrayList<>();
        for (List<Step> branch : branches) {
            Node y = x;
            for (Step step : branch) {
                Node in = y;
                y = built.computeIfAbsent(step.name(), n -> apply(s, in, step, norm));
            }
            outputs.add(y);
        }
        return Blocks.concat(s, "cat", outputs.toArray(Node[]::new));
    }

    private static Node apply(Scope s, Node x, Step step, Norm norm) {
        if (step instanceof ConvStep c) {
            return basicConv(s.child(c.name()), x, c.conv(), norm);
        }
        PoolStep p = (PoolStep) step;
        return p.max() ? Blocks.maxPool(s, p.name(), x, p.k(), p.stride(), p.padding())
                : Blocks.avgPool(s, p.name(), x, p.k(), p.stride(), p.padding());
    }

    /**
     * GoogLeNet's Inception module (Szegedy et al. 2014, figure 2b and table 1) with torchvision's
     * names: {@code branch1} (1x1), {@code branch2} (1x1 reduce, 3x3), {@code branch3} (1x1 reduce,
     * then <b>3x3</b>: the paper has 5x5 there, but torchvision's model and its ImageNet weights
     * use 3x3, pytorch/vision#906, so we follow torchvision) and {@code branch4} (3x3 max pool,
     * stride 1, then 1x1 projection). Output channels {@code ch1x1 + ch3x3 + ch5x5 + poolProj}.
     */
    public static Node googlenet(Scope s, Node x, Norm norm, int ch1x1, int ch3x3red, int ch3x3,
                                 int ch5x5red, int ch5x5, int poolProj) {
        return module(s, x, norm, List.of(
                List.of(conv("branch1", Conv.of(ch1x1, 1))),
                List.of(conv("branch2.0", Conv.of(ch3x3red, 1)), conv("branch2.1", Conv.of(ch3x3, 3).padding(1))),
                List.of(conv("branch3.0", Conv.of(ch5x5red, 1)), conv("branch3.1", Conv.of(ch5x5, 3).padding(1))),
                // torchvision's MaxPool2d(3, 1, 1, ceil_mode=True): at stride 1 ceil mode changes nothing
                List.of(maxPool("branch4.0", 3, 1, 1), conv("branch4.1", Conv.of(poolProj, 1)))));
    }
}
