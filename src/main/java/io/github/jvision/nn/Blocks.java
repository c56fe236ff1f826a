package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Locale;

/**
 * The elementary blocks: convolution, batch normalization followed by an activation,
 * pooling, concatenation, element-wise add, dense layers and the classifier head. All operate
 * on NCHW activations {@code [N, C, H, W]}, float32; output sizes follow PyTorch's rule
 * {@code floor((H + 2p - k) / s) + 1}.
 */
public final class Blocks {

    private Blocks() {
    }

    /**
     * A convolution, as torchvision's {@code nn.Conv2d} with the geometry {@code c}, followed by
     * {@code act} (fused into the layer). Weights are drawn as torchvision initialises ResNet, VGG
     * and EfficientNet convolutions, {@code kaiming_normal_(mode="fan_out")}, std
     * {@code sqrt(2 / (out kh kw))}, for every family (torchvision draws GoogLeNet's and Inception
     * v3's from truncated normals and AlexNet's uniformly; that matters only when training from
     * scratch); biases start at 0.
     *
     * @throws IllegalArgumentException if a depthwise convolution is asked to change the channels
     * @throws InputTooSmallException   if the kernel does not fit the padded input
     */
    public static Node conv(Scope s, String name, Node x, Conv c, Activation act) {
        ConvolutionLayer.BaseConvBuilder<?> b = c.depthwise()
                // DL4J derives a depthwise layer's nOut from nIn, so nIn is given up front
                ? new DepthwiseConvolution2D.Builder(c.kh(), c.kw()).depthMultiplier(1).nIn(x.channels())
                : new ConvolutionLayer.Builder(c.kh(), c.kw());
        if (c.depthwise() && c.out() != x.channels()) {
            throw new IllegalArgumentException(s.name(name) + ": a depthwise convolution keeps the channels; got "
                    + x.channels() + " in, " + c.out() + " out");
        }
        return s.layer(name, b.stride(c.stride(), c.stride()).padding(c.padH(), c.padW())
                .convolutionMode(ConvolutionMode.Truncate)
                .nOut(c.out()).hasBias(c.bias())
                .weightInit(new NormalDistribution(0, Math.sqrt(2.0 / (c.out() * c.kh() * c.kw()))))
                .activation(function(act)).build(), x);
    }

    /**
     * The activation function for {@code act}: ND4J's own, except {@code SWISH} (SiLU), whose
     * ND4J derivative is NaN for large inputs and is replaced by {@link SiLU}.
     */
    public static IActivation function(Activation act) {
        return act == Activation.SWISH ? new SiLU() : act.getActivationFunction();
    }

    /**
     * Batch normalization ({@code BatchNorm2d}, or {@code BatchNorm1d} on features), then
     * {@code act} as its own layer named {@code name + "_" + act} (e.g. {@code bn1_relu}) unless it
     * is the identity. (DL4J's {@code BatchNormalization} layer ignores a configured activation,
     * so it cannot be fused.)
     */
    public static Node bn(Scope s, String name, Node x, Norm norm, Activation act) {
        Node y = s.layer(name, new BatchNormalization.Builder()
                .eps(norm.eps()).decay(norm.decay())
                // store the running variance itself ("var", as PyTorch's running_var), not DL4J's default log10(std)
                .useLogStd(false)
                .activation(Activation.IDENTITY) // DL4J's BN ignores it; say so rather than inherit sigmoid
                .build(), x);
        return act == Activation.IDENTITY ? y
                : act(s, name + "_" + act.name().toLowerCase(Locale.ROOT), y, act);
    }

    /** Convolution without activation, batch norm and {@code act} (see {@link #bn} for its name). */
    public static Node convBnAct(Scope s, String convName, String bnName, Node x, Conv c, Norm norm, Activation act) {
        return bn(s, bnName, conv(s, convName, x, c, Activation.IDENTITY), norm, act);
    }

    /** A square conv-BN-activation with PyTorch's default batch norm ({@link Norm#DEFAULT}) and no bias. */
    public static Node convBnAct(Scope s, String convName, String bnName, Node x, int out, int k,
                                 int stride, int padding, Activation act) {
        return convBnAct(s, convName, bnName, x, Conv.of(out, k).stride(stride).padding(padding), Norm.DEFAULT, act);
    }

    /** Max pooling, as {@code nn.MaxPool2d(k, stride, padding)} (padding never wins the max). */
    public static Node maxPool(Scope s, String name, Node x, int k, int stride, int padding) {
        return pool(s, name, x, PoolingType.MAX, k, stride, padding);
    }

    /**
     * Max pooling with {@code ceil_mode=True} and no padding, as GoogLeNet's
     * {@code nn.MaxPool2d(k, stride, ceil_mode=True)}: the output has
     * {@code ceil((H - k) / s) + 1} rows, the last window being cut off by the border. DL4J has no
     * ceil mode, so the input is zero-padded at the bottom and right first (layer
     * {@code name + "_pad"}); that equals the border cut only for inputs {@code >= 0}, as after a
     * ReLU, which is where GoogLeNet uses it.
     */
    public static Node maxPoolCeil(Scope s, String name, Node x, int k, int stride) {
        long extraH = ceilExtra(x.height(), k, stride);
        long extraW = ceilExtra(x.width(), k, stride);
        if (extraH > 0 || extraW > 0) {
            x = s.layer(name + "_pad", new ZeroPaddingLayer.Builder(0, (int) extraH, 0, (int) extraW).build(), x);
        }
        return maxPool(s, name, x, k, stride, 0);
    }

    /**
     * Rows (or columns) to add so that floor division gives PyTorch's ceil-mode size
     * {@code ceil((size - k) / stride) + 1}; in ceil mode the window may overhang the input, down to
     * an input of {@code k - stride + 1}.
     */
    private static long ceilExtra(long size, int k, int stride) {
        long ceilOut = -Math.floorDiv(k - size, stride) + 1;
        return ceilOut < 1 ? 0 : (ceilOut - 1) * stride + k - size; // below 1 the pooling layer reports it
    }

    /**
     * Average pooling, as {@code nn.AvgPool2d(k, stride, padding)} with PyTorch's default
     * {@code count_include_pad=True}: padded zeros count in the divisor (torchvision's Inception
     * v3 uses this convention; TF's "same" pooling does not, known fault C12).
     */
    public static Node avgPool(Scope s, String name, Node x, int k, int stride, int padding) {
        return pool(s, name, x, PoolingType.AVG, k, stride, padding);
    }

    private static Node pool(Scope s, String name, Node x, PoolingType type, int k, int stride, int padding) {
        return s.layer(name, new SubsamplingLayer.Builder(type)
                .kernelSize(k, k).stride(stride, stride).padding(padding, padding)
                .convolutionMode(ConvolutionMode.Truncate)
                .avgPoolIncludePadInDivisor(true).build(), x);
    }

    /** Global average pooling {@code [N, C, H, W] -> [N, C]}, as {@code nn.AdaptiveAvgPool2d(1)} + flatten. */
    public static Node globalAvgPool(Scope s, String name, Node x) {
        return s.layer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
    }

    /**
     * Adaptive average pooling {@code [N, C, H, W] -> [N, C, oh, ow]}, as
     * {@code nn.AdaptiveAvgPool2d((oh, ow))} (AlexNet's 6x6, VGG's 7x7, GoogLeNet's auxiliary 4x4).
     * Nothing is added when the input already has that size; otherwise an
     * {@link AdaptiveAvgPoolVertex}.
     */
    public static Node adaptiveAvgPool(Scope s, String name, Node x, int oh, int ow) {
        if (x.height() == oh && x.width() == ow) {
            return x;
        }
        return s.vertex(name, new AdaptiveAvgPoolVertex(oh, ow), x);
    }

    /** Element-wise sum of equally shaped inputs. */
    public static Node add(Scope s, String name, Node... xs) {
        return s.vertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), xs);
    }

    /** Concatenation along channels, as {@code torch.cat(xs, 1)}. */
    public static Node concat(Scope s, String name, Node... xs) {
        return s.vertex(name, new MergeVertex(), xs);
    }

    /** An activation as its own layer (used after a batch norm or a residual add). */
    public static Node act(Scope s, String name, Node x, Activation act) {
        return s.layer(name, new ActivationLayer.Builder().activation(function(act)).build(), x);
    }

    /** Dropout with drop probability {@code p}, as {@code nn.Dropout(p)}: inverted, identity at inference. */
    public static Node dropout(Scope s, String name, Node x, double p) {
        // DL4J's dropout argument is the retain probability
        return s.layer(name, new DropoutLayer.Builder(1.0 - p).build(), x);
    }

    /**
     * A fully connected layer {@code [N, F] -> [N, out]} with bias, then {@code act}, as
     * {@code nn.Linear} (+ activation). An image input is flattened first in C order, as
     * {@code torch.flatten(x, 1)}. Weights start as torchvision's default,
     * {@code U(-1/sqrt(F), 1/sqrt(F))}.
     */
    public static Node linear(Scope s, String name, Node x, int out, Activation act) {
        return s.layer(name, new DenseLayer.Builder().nOut(out).activation(function(act))
                .weightInit(WeightInit.UNIFORM).build(), x);
    }

    /**
     * The final fully connected layer with softmax and cross-entropy loss (which also accepts soft
     * targets, e.g. from label smoothing or MixUp). Output {@code [N, numClasses]}, probabilities.
     *
     * @param lossWeight factor on this output's loss (1 for the main classifier; auxiliary heads
     *                   weigh 0.3 in GoogLeNet, paper section 5, and 0.4 in Inception v3, as in
     *                   TF-slim's training of the weights torchvision ported)
     */
    public static Node output(Scope s, String name, Node x, int numClasses, double lossWeight) {
        LossMCXENT loss = lossWeight == 1 ? new LossMCXENT()
                : new LossMCXENT(Nd4j.valueArrayOf(numClasses, lossWeight));
        return s.layer(name, new OutputLayer.Builder(loss)
                .nOut(numClasses).activation(Activation.SOFTMAX)
                // torchvision's nn.Linear default, kaiming_uniform(a=sqrt(5)), is U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                .weightInit(WeightInit.UNIFORM)
                .build(), x);
    }

    /**
     * Classifier head of ResNet, GoogLeNet and Inception v3: global average pool {@code avgpool},
     * optional dropout {@code dropout}, and the output layer {@code fc} (see {@link #output}).
     *
     * @param dropout drop probability before {@code fc}; 0 for none
     */
    public static Node classifierHead(Scope s, Node x, int numClasses, double dropout) {
        Node h = globalAvgPool(s, "avgpool", x);
        if (dropout > 0) {
            h = dropout(s, "dropout", h, dropout);
        }
        return output(s, "fc", h, numClasses, 1);
    }

    /**
     * The classifier of AlexNet and VGG, numbered as torchvision's {@code nn.Sequential}
     * ({@code classifier.0 ... classifier.6}, fused ReLUs skipping their index): two 4096-wide
     * linear layers with ReLU, each with dropout 0.5 before it (AlexNet) or after it (VGG), then the
     * output layer. Input: the pooled features, flattened in C order.
     */
    public static Node denseClassifier(Scope s, Node x, int numClasses, boolean dropoutFirst) {
        int i = 0;
        for (int layer = 0; layer < 2; layer++) {
            if (dropoutFirst) {
                x = dropout(s, String.valueOf(i++), x, 0.5);
            }
            x = linear(s, String.valueOf(i), x, 4096, Activation.RELU);
            i += 2;
            if (!dropoutFirst) {
                x = dropout(s, String.valueOf(i++), x, 0.5);
            }
        }
        return output(s, String.valueOf(i), x, numClasses, 1);
    }
}
