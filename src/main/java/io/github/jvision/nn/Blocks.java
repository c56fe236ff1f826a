package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The elementary blocks: convolution, batch normalization followed by an activation,
 * pooling, element-wise add and the classifier head. All operate on NCHW activations
 * {@code [N, C, H, W]}, float32; output sizes follow PyTorch's rule
 * {@code floor((H + 2p - k) / s) + 1}.
 */
public final class Blocks {
    /** PyTorch's {@code BatchNorm2d} default eps. */
    public static final double BN_EPS = 1e-5;
    /** PyTorch's BN momentum 0.1 is DL4J's decay 0.9 (running = decay * running + (1 - decay) * batch). */
    public static final double BN_DECAY = 0.9;

    private Blocks() {
    }

    /**
     * A {@code k x k} convolution without bias (it is followed by batch norm), as torchvision's
     * {@code nn.Conv2d(in, out, k, stride, padding, bias=False)}.
     */
    public static Node conv(Scope s, String name, Node x, int out, int k, int stride, int padding) {
        return s.layer(name, new ConvolutionLayer.Builder(k, k)
                .stride(stride, stride).padding(padding, padding)
                .convolutionMode(ConvolutionMode.Truncate)
                .nOut(out).hasBias(false)
                // torchvision's ResNet: kaiming_normal_(mode="fan_out", nonlinearity="relu"), std sqrt(2 / (out k k))
                .weightInit(new NormalDistribution(0, Math.sqrt(2.0 / (out * k * k))))
                .activation(Activation.IDENTITY).build(), out, x);
    }

    /**
     * Batch normalization ({@code BatchNorm2d}), then {@code act} as its own layer named
     * {@code name + "_" + act} (e.g. {@code bn1_relu}) unless it is the identity. (DL4J's
     * {@code BatchNormalization} layer ignores a configured activation, so it cannot be fused.)
     */
    public static Node bn(Scope s, String name, Node x, Activation act) {
        Node y = s.layer(name, new BatchNormalization.Builder()
                .eps(BN_EPS).decay(BN_DECAY)
                // store the running variance itself ("var", as PyTorch's running_var), not DL4J's default log10(std)
                .useLogStd(false)
                .build(), x.channels(), x);
        return act == Activation.IDENTITY ? y
                : Blocks.act(s, name + "_" + act.name().toLowerCase(java.util.Locale.ROOT), y, act);
    }

    /** Convolution, batch norm and activation (see {@link #bn} for the activation's name). */
    public static Node convBnAct(Scope s, String convName, String bnName, Node x, int out, int k,
                                 int stride, int padding, Activation act) {
        return bn(s, bnName, conv(s, convName, x, out, k, stride, padding), act);
    }

    /** Max pooling, as {@code nn.MaxPool2d(k, stride, padding)} (padding never wins the max). */
    public static Node maxPool(Scope s, String name, Node x, int k, int stride, int padding) {
        return pool(s, name, x, PoolingType.MAX, k, stride, padding);
    }

    /**
     * Average pooling, as {@code nn.AvgPool2d(k, stride, padding)} with PyTorch's default
     * {@code count_include_pad=True}: padded zeros count in the divisor.
     */
    public static Node avgPool(Scope s, String name, Node x, int k, int stride, int padding) {
        return pool(s, name, x, PoolingType.AVG, k, stride, padding);
    }

    private static Node pool(Scope s, String name, Node x, PoolingType type, int k, int stride, int padding) {
        return s.layer(name, new SubsamplingLayer.Builder(type)
                .kernelSize(k, k).stride(stride, stride).padding(padding, padding)
                .convolutionMode(ConvolutionMode.Truncate)
                .avgPoolIncludePadInDivisor(true).build(), x.channels(), x);
    }

    /** Global average pooling {@code [N, C, H, W] -> [N, C]}, as {@code nn.AdaptiveAvgPool2d(1)} + flatten. */
    public static Node globalAvgPool(Scope s, String name, Node x) {
        return s.layer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x.channels(), x);
    }

    /** Element-wise sum of equally shaped inputs. */
    public static Node add(Scope s, String name, Node... xs) {
        return s.vertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), xs[0].channels(), xs);
    }

    /** An activation as its own layer (used after a residual add). */
    public static Node act(Scope s, String name, Node x, Activation act) {
        return s.layer(name, new ActivationLayer.Builder().activation(act).build(), x.channels(), x);
    }

    /**
     * Classifier head: global average pool {@code avgpool}, optional dropout, and the
     * fully connected layer {@code fc} with softmax and cross-entropy loss (which also accepts
     * soft targets, e.g. from label smoothing). Output {@code [N, numClasses]}, probabilities.
     *
     * @param dropout drop probability before {@code fc}; 0 for none
     */
    public static Node classifierHead(Scope s, Node x, int numClasses, double dropout) {
        Node h = globalAvgPool(s, "avgpool", x);
        if (dropout > 0) {
            // DL4J's dropout argument is the retain probability
            h = s.layer("dropout", new DropoutLayer.Builder(1.0 - dropout).build(), h.channels(), h);
        }
        return s.layer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(numClasses).activation(Activation.SOFTMAX)
                // torchvision's nn.Linear default, kaiming_uniform(a=sqrt(5)), is U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                .weightInit(WeightInit.UNIFORM)
                .build(), numClasses, h);
    }
}
